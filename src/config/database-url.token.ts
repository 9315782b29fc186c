/** Injection token for the connection string the app runs on (for pools outside TypeORM, e.g. pg-boss). */
export const DATABASE_URL = Symbol('DATABASE_URL');
