/** The admin area's services: component status, logs, and audited row management of allow-listed tables. */
export { removeRowForm, saveRowForm } from "./forms";
export { componentStatus, type ComponentStatus } from "./status";
export { listLogs, logQuerySchema, LOG_LEVELS, type LogQuery, type LogRow } from "./logs";
export {
  ADMIN_TABLES,
  AdminEditError,
  countRows,
  deletePreview,
  deleteRow,
  getRow,
  isAdminTable,
  listAudit,
  listColumns,
  listRows,
  parseEdit,
  tableQuerySchema,
  updateRow,
  type AdminTableName,
  type Dependent,
} from "./tables";
