import { RiskPoint, Scorecard, Security } from '@loanflow/domain';

/**
 * The cooperative the demo builds, as far as it is fixed: names, places, purposes, authority limits,
 * the scorecard and the risk points. What the seed draws from these is in draw.ts.
 */
export const MIN_STAFF_PER_BRANCH = 9;
export const ADMIN = 'admin';
export const CNY = 100;
/** A branch approver's authority, the deputy head's, and the branch head's (who approves the large loans). */
export const REGULAR_LIMIT = 200_000 * CNY;
export const DEPUTY_LIMIT = 500_000 * CNY;
export const SENIOR_LIMIT = 800_000 * CNY;
/** Above every approver's authority a loan goes to the branch's credit committee: three sit, two carry it. */
export const COMMITTEE = { size: 3, majority: 2 };

export const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Zhao',
  'Huang',
  'Zhou',
  'Wu',
  'Xu',
  'Sun',
  'Hu',
  'Zhu',
  'Gao',
  'Lin',
  'He',
  'Guo',
  'Ma',
  'Luo',
];
export const GIVEN = [
  'Jianguo',
  'Xiuying',
  'Guiying',
  'Yong',
  'Jun',
  'Li',
  'Min',
  'Jing',
  'Hua',
  'Qiang',
  'Lei',
  'Yan',
  'Fang',
  'Tao',
  'Ming',
  'Chao',
  'Hong',
  'Xia',
  'Ping',
  'Gang',
  'Hui',
  'Bin',
  'Na',
  'Dan',
];
export const BRANCH_TOWNS = ['Dongshan', 'Xihe', 'Nanping', 'Beiling', 'Qingshui', 'Huangtu', 'Baiyang', 'Liuzhuang', 'Shima', 'Hongqiao'];
export const VILLAGES = [
  'Shangzhuang', 'Xiaowan', 'Hetou', 'Liujia', 'Majiapu', 'Qianjin', 'Hongxing', 'Shuangmiao', 'Gaoqiao', 'Wangjiazhuang', 'Zhaotun',
  'Yangliu', 'Daping', 'Shiqiao', 'Taohua', 'Lijiagou', 'Xinzhuang', 'Houying', 'Nanwa', 'Beidian', 'Sanhe', 'Qingyun', 'Zhangcun', 'Dongying',
]; // prettier-ignore

export type Sector = 'grain' | 'livestock' | 'aquaculture' | 'orchards' | 'vegetables' | 'agri-processing' | 'retail' | 'transport';
export const PURPOSES: Record<Sector, string[]> = {
  grain: [
    'seed, fertiliser and machinery hire for the spring sowing',
    'a second-hand combine harvester',
    'lease of 30 mu of additional farmland',
  ],
  livestock: ['buy 40 breeding sows', 'expand the cattle shed and buy winter feed', 'vaccines and feed for 5,000 broilers'],
  aquaculture: ['dig two new fish ponds and stock fry', 'aerators and feed for the crab ponds'],
  orchards: ['replant 20 mu with new apple varieties', 'hail nets and drip irrigation for the orchard'],
  vegetables: ['build two plastic greenhouses', 'seedlings and drip irrigation for the vegetable plots'],
  'agri-processing': ['a rice husking line', 'cold storage for the fruit harvest', 'working capital to buy the autumn harvest'],
  retail: ['restock the village shop before Spring Festival', 'open a farm supply store'],
  transport: ['buy a light truck for produce haulage', 'repair and re-licence the haulage fleet'],
};
export const NON_AGRICULTURAL_HOUSEHOLD_PURPOSES = ['repair the family house', "children's university tuition", 'a wedding in the family'];
export const AGRICULTURAL: Record<Sector, number> = {
  grain: 1,
  livestock: 1,
  aquaculture: 1,
  orchards: 1,
  vegetables: 1,
  'agri-processing': 0.5,
  retail: 0,
  transport: 0,
};
export const RISK_POINTS: Record<Security, string[]> = {
  credit: ['purpose-unverified', 'income-overstated'],
  guaranteed: ['guarantor-over-committed', 'purpose-unverified'],
  mortgage: ['collateral-overvalued', 'title-incomplete'],
  pledge: ['pledge-not-in-custody'],
};

/** Every code any act of the demo tags, where in a loan's life it is found, and what it means. */
export const RISK_POINT_CATALOGUE: RiskPoint[] = [
  { code: 'purpose-unverified', stage: 'investigation', description: 'the stated purpose could not be checked on site or with the village committee' },
  { code: 'income-overstated', stage: 'investigation', description: 'declared income above what the books, sales receipts or the village committee support' },
  { code: 'repayment-capacity-insufficient', stage: 'investigation', description: 'income does not cover the instalments with a margin, or debts elsewhere take it' },
  { code: 'guarantor-over-committed', stage: 'investigation', description: 'the guarantor already vouches for other loans beyond their means' },
  { code: 'collateral-overvalued', stage: 'examination', description: 'the appraised value of the collateral is above what it would fetch in a sale' },
  { code: 'title-incomplete', stage: 'examination', description: 'the land-use or property title of the mortgage is incomplete or not registered' },
  { code: 'pledge-not-in-custody', stage: 'examination', description: "the pledged goods or documents are not in the cooperative's custody" },
  { code: 'large-exposure', stage: 'approval', description: "a single loan above every approver's authority, decided by the credit committee" },
  { code: 'repayment-source-impaired', stage: 'post_loan', description: 'the source of repayment is lost or impaired: stock sold off, crop failed, business closed' },
]; // prettier-ignore

/**
 * The cooperative's scorecard: a factor for each of the five dimensions, measured by the
 * investigator from the household's books, the village committee and the credit reference report;
 * its grades bound what may be lent to whom, for how long and at what rate.
 */
export const SCORECARD: Scorecard = {
  factors: [
    { code: 'debt_ratio', dimension: 'financial_situation', description: 'liabilities as a percent of assets; lower is better', weight: 20,
      bands: [{ from: 0, points: 100 }, { from: 30, points: 80 }, { from: 50, points: 50 }, { from: 70, points: 20 }, { from: 90, points: 0 }] },
    { code: 'income_cover', dimension: 'repayment_ability', description: 'yearly net income as a percent of the yearly instalments', weight: 30,
      bands: [{ from: 0, points: 0 }, { from: 100, points: 30 }, { from: 130, points: 60 }, { from: 170, points: 85 }, { from: 220, points: 100 }] },
    { code: 'village_standing', dimension: 'repayment_willingness', description: "the village committee's standing of the borrower, 0 to 10", weight: 15,
      bands: [{ from: 0, points: 0 }, { from: 4, points: 40 }, { from: 6, points: 70 }, { from: 8, points: 100 }] },
    { code: 'late_months', dimension: 'credit_history', description: 'months with a payment overdue in the past five years (credit reference report)', weight: 20,
      bands: [{ from: 0, points: 100 }, { from: 1, points: 70 }, { from: 3, points: 40 }, { from: 6, points: 10 }] },
    { code: 'loans_repaid', dimension: 'past_performance', description: 'loans repaid in full at this cooperative', weight: 15,
      bands: [{ from: 0, points: 40 }, { from: 1, points: 70 }, { from: 3, points: 100 }] },
  ],
  grades: [
    { grade: 'AAA', minScore: 90, maxAmount: 1_000_000 * CNY, maxTermMonths: 60, minRateBps: 435, maxRateBps: 900 },
    { grade: 'AA', minScore: 80, maxAmount: 800_000 * CNY, maxTermMonths: 60, minRateBps: 435, maxRateBps: 1_000 },
    { grade: 'A', minScore: 70, maxAmount: 300_000 * CNY, maxTermMonths: 48, minRateBps: 480, maxRateBps: 1_080 },
    { grade: 'B', minScore: 60, maxAmount: 100_000 * CNY, maxTermMonths: 36, minRateBps: 550, maxRateBps: 1_200 },
    { grade: 'C', minScore: 0, maxAmount: 30_000 * CNY, maxTermMonths: 24, minRateBps: 700, maxRateBps: 1_300 },
  ],
}; // prettier-ignore
/** Licensed appraisal firms the cooperative sends collateral to: never the officer who takes it, never the borrower. */
export const APPRAISERS = ['APR-Huaxin', 'APR-Zhongcheng', 'APR-Dadi'];
export const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
export const yuan = (cents: number) => `CNY ${(cents / CNY).toLocaleString('en-US')}`;

/** The portfolio structure the cooperative aims at, and its policy settings: put in place on the first day. */
export const STRUCTURE_TARGETS = {
  targets: [
    { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 },
    { dimension: 'security', bucket: 'credit', maxShareBps: 4000 },
    { dimension: 'size', bucket: 'over_1m', maxShareBps: 1000 },
    { dimension: 'term', bucket: 'long', maxShareBps: 2000 },
  ],
};
export const POLICY_SETTINGS = {
  rotationTenureMonths: 24,
  inspectionIntervalDays: 90,
  committeeSize: COMMITTEE.size,
  committeeMajority: COMMITTEE.majority,
};
