/* pvd-db.c: which database a location names
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-db"

#include "config.h"

#include "pvd-db.h"
#include "pvd-store.h"

static gboolean
is_postgresql (const char *location)
{
  return g_str_has_prefix (location, "postgresql://") ||
         g_str_has_prefix (location, "postgres://");
}

/* sqlite:PATH names a file as plainly as PATH does. */
static const char *
sqlite_path (const char *location)
{
  return g_str_has_prefix (location, "sqlite:") ? location + strlen ("sqlite:") : location;
}

/**
 * pvd_db_open:
 * @location: a PostgreSQL connection URI (`postgresql://…`), or an SQLite
 *   file (`sqlite:PATH` or just PATH)
 *
 * Returns: (transfer full): a connection, or %NULL with @error set
 */
PvdDb *
pvd_db_open (const char  *location,
             GError     **error)
{
  if (is_postgresql (location))
    {
#ifdef HAVE_LIBPQ
      return pvd_db_pg_open (location, error);
#else
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "This provisiod was built without PostgreSQL (libpq)");
      return NULL;
#endif
    }
  return pvd_db_sqlite_open (sqlite_path (location), error);
}

void
pvd_db_close (PvdDb *db)
{
  if (db != NULL)
    db->klass->close (db);
}
