/** Whether the database and the object store agree, and the repair of what a crash can leave behind. */
export {
  checkConsistency,
  DEFAULT_GRACE_MS,
  repairConsistency,
  type CheckOptions,
  type ConsistencyReport,
  type Problem,
  type ProblemKind,
  type RepairResult,
} from "./consistency";
