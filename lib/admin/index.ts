/** The admin area's services: component status, logs, and audited row management of allow-listed tables. */
export { removeRowForm, saveRowForm } from "./forms";
export { componentStatus, type ComponentStatus } from "./status";
export { listLogs, logQuerySchema, LOG_LEVELS, type LogQuery, type LogRow } from "./logs";
export { listAudit } from "./audit";
export { deletePreview, type Dependent } from "./cascade";
export { countRows, deleteRow, getRow, listRows, parseEdit, tableQuerySchema, updateRow } from "./rows";
export { ADMIN_TABLES, AdminEditError, isAdminTable, listColumns, type AdminTableName } from "./table-config";
