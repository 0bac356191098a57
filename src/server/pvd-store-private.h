/* pvd-store-private.h: what the parts of the store share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "pvd-store.h"

G_BEGIN_DECLS

struct _PvdStore
{
  GObject     parent_instance;

  sqlite3    *db;
  GHashTable *statements;   /* const char *sql (by address) -> sqlite3_stmt */
  guint       events_added;
};

/* Statements are cached by the address of their text, so every SQL string
 * handed to pvd_store_prepare() must be a static constant.  A g_autoptr
 * resets the statement when it goes out of scope. */
typedef sqlite3_stmt PvdStmt;

static inline void
pvd_stmt_done (PvdStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdStmt, pvd_stmt_done)

gboolean  pvd_store_set_db_error (PvdStore    *self,
                                  GError     **error);
PvdStmt  *pvd_store_prepare      (PvdStore    *self,
                                  const char  *sql,
                                  GError     **error);
gboolean  pvd_store_run          (PvdStore    *self,
                                  PvdStmt     *stmt,
                                  GError     **error);
gboolean  pvd_store_begin        (PvdStore    *self,
                                  GError     **error);
gboolean  pvd_store_commit       (PvdStore    *self,
                                  GError     **error);
void      pvd_store_rollback     (PvdStore    *self);
void      pvd_bind_text          (PvdStmt     *stmt,
                                  int          index,
                                  const char  *text);
void      pvd_bind_time          (PvdStmt     *stmt,
                                  int          index,
                                  gint64       value);
char     *pvd_column_text        (PvdStmt     *stmt,
                                  int          column);

G_END_DECLS
