/* pvd-store-private.h: what the parts of the store share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-db.h"
#include "pvd-store.h"

G_BEGIN_DECLS

struct _PvdStore
{
  GObject     parent_instance;

  PvdDb      *db;
  GHashTable *statements;   /* const char *sql (by address) -> PvdStmt */
  guint       events_added;
  /* pvd_store_get_credentials_generation(), and the version it was read at */
  gint64      credentials_generation;
  gint64      credentials_data_version;
  gint64      credentials_changes;
  /* Set by the writer (pvd-writer.c) where the database counts a write's
   * changes later (step_counted_later()): a new user is inserted with its
   * event, ON CONFLICT DO NOTHING, without waiting, and the change's
   * outcome is learnt at its group's commit (pvd_scim_store_create()).
   * The change in progress whose outcome is pending: the statement, bound
   * until its event's parameters are (pvd_store_add_event()), then its
   * ticket; the user's name. */
  gboolean    insert_later;
  PvdStmt    *pending_stmt;
  gboolean    pending_sent;
  guint       pending_ticket;
  char       *pending_name;
};

/* Statements are cached by the address of their text, so every SQL string
 * handed to pvd_store_prepare() must be a static constant, in the SQL that
 * every database reads (pvd-db.h).  A g_autoptr resets the statement when
 * it goes out of scope. */
static inline void
pvd_stmt_done (PvdStmt *stmt)
{
  stmt->db->klass->reset (stmt);
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
gboolean  pvd_store_run_later    (PvdStore    *self,
                                  PvdStmt     *stmt,
                                  GError     **error);
gboolean  pvd_store_run_counted_later (PvdStore    *self,
                                       PvdStmt     *stmt,
                                       guint       *out_ticket,
                                       GError     **error);
void      pvd_store_clear_pending (PvdStore   *self);
gboolean  pvd_store_run_sql      (PvdStore    *self,
                                  const char  *sql,
                                  GError     **error);
gboolean  pvd_store_begin        (PvdStore    *self,
                                  GError     **error);
gboolean  pvd_store_begin_connection (PvdStore    *self,
                                      gint64       tenant_id,
                                      const char  *kind,
                                      GError     **error);
PvdLock   pvd_store_lock_connection  (PvdStore    *self,
                                      gint64       tenant_id,
                                      const char  *kind,
                                      gboolean     wait,
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
