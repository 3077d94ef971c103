/** What a loan, borrower, staff or branch id may be: 1-64 letters, digits, dots, dashes or underscores, not starting with a sign. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
