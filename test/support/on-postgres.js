// Setup of the integration run's "end-to-end on PostgreSQL" project: startApp() then opens a fresh PostgreSQL schema.
process.env.LOANFLOW_TEST_EVENT_STORE = 'postgres';
