// POST /console/evidence: every recording change of a call or conference, its segments (JSON or CSV), and the window check.
import { EVIDENCE, exportEvidence } from '../../lib/people-controls';
import { peopleFunction } from '../../lib/people-handler';

export const parameters = EVIDENCE;

export const handler = peopleFunction('console', parameters, (deps, p) => exportEvidence(deps, p));
