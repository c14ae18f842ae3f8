export { closeDatabase, database, getDb, openDatabase, openedDatabase, pingDatabase, queryRows, schema, type Database, type Db } from "./connection";
