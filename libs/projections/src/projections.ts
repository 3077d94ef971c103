import { complianceProjection } from './compliance/projection';
import { loansProjection } from './loans/projection';
import { Projection } from './projection';
import { riskProjection } from './risk/projection';

/** Every projection the runner feeds, in the order it applies them to each event. */
export const PROJECTIONS: readonly Projection[] = [loansProjection, complianceProjection, riskProjection];
