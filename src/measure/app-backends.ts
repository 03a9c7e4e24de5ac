/**
 * pg_stat_activity rows of the harness's application backends: client backends of the layouts'
 * roles, never the harness's own admin connections (the sampler's, the buffer-cache prewarm's,
 * pg_stat_statements snapshots'), which log in as the admin (current_user) and are the
 * measurement's, not the layout's.
 */
export const APP_BACKENDS_WHERE =
  "backend_type = 'client backend' AND pid <> pg_backend_pid() AND usename <> current_user AND datname IS NOT NULL";
