/* pvd-writer.c: SCIM writes committed in groups
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-writer"

#include "config.h"

#include "pvd-store-private.h"
#include "pvd-writer.h"

/* The one place that owns the write transaction of SCIM changes.
 *
 * A commit writes every page its transaction touched (SQLite's WAL frames;
 * PostgreSQL's WAL records and a flush), and the pages of consecutive
 * changes are largely the same ones: the table's and the indexes' last
 * leaves, the events'.  So the changes that the workers make while a group
 * is open go into one transaction, on one connection of the writer's own
 * (on PostgreSQL two, taking turns: commit_unlocked()), and are committed
 * together:
 *
 *  - A worker makes its change between pvd_writer_begin() and
 *    pvd_writer_end(), holding the writer's lock, inside a savepoint of the
 *    open transaction (begun by the first change of a group).  A change
 *    that fails is undone to its savepoint (pvd_writer_undo()) and the
 *    others of its group stand: a userName taken is one request's 409, not
 *    its group's.
 *  - pvd_writer_end() queues the request's outcome, and the worker goes on
 *    to other requests without waiting (pvd-scim.c defers the answer,
 *    libmicrohttpd holds the connection): its changes join the group too.
 *  - The commit thread commits the group and hands each request's outcome
 *    to its PvdWriterDone, which resumes the answer: an answer leaves only
 *    once the transaction holding its change committed, or as an error if
 *    it did not, so nothing acknowledged is lost.
 *  - When to commit: at once if no group was committed for GROUP_WINDOW
 *    (changes come one by one, and the next one would only wait);
 *    otherwise once the group is GROUP_WINDOW old, so that under load a
 *    group holds what the workers made in that time, and the pages its
 *    changes share are written once.
 *
 * The lock is held for one change at a time and for a commit (on
 * PostgreSQL not for the commit's round trip), never while waiting for a
 * worker, so it cannot deadlock with them.
 *
 * A group locks each connection it changes (pvd_store_lock_connection():
 * on PostgreSQL an advisory lock per connection, to the group's commit),
 * so that several nodes' groups write different tenants side by side.  It
 * waits for a connection's lock only as its first: a later one that
 * another node holds is tried without waiting, and when busy the group is
 * committed first and the change opens the next group, which waits.  So a
 * group never waits while it holds a lock that another may wait for. */

/* How long a group stays open under load (above). */
#define GROUP_WINDOW (1 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  PvdWriterDone  done;
  gpointer       user_data;
  GDestroyNotify destroy;
  /* A change whose outcome is learnt at the commit (insert_later in
   * pvd-store-private.h): its ticket, and its name if it was taken. */
  gboolean       pending;
  guint          ticket;
  char          *name;
  GError        *error;        /* its own outcome, in a group committed */
} Waiter;

struct _PvdWriter
{
  PvdStore   *store;           /* the open group's, or the next one's */
  PvdStore   *spare;           /* NULL, or the other connection (below) */
  PvdStore   *stores[2];
  GThread    *thread;
  GMutex      lock;            /* guards all that follows */
  GCond       cond;
  gboolean    open;            /* a group's transaction is open */
  gint64      opened_at;       /* when, monotonic */
  gboolean    commit_wanted;
  gboolean    stopping;
  GPtrArray  *waiting;         /* Waiter: the open group's changes */
  GHashTable *locked;          /* "tenant/kind": the connections it locked */
  gint64      committed_at;    /* when the group before ended, monotonic */
  gint64      n_groups;
  gint64      n_changes;
  gint64      round_trips;     /* before the first change */
};

/* Each change's savepoint, prepared once like the store's statements. */
static const char savepoint_sql[] = "SAVEPOINT pvd_change";
static const char release_sql[] = "RELEASE pvd_change";
static const char undo_sql[] = "ROLLBACK TO pvd_change";

static void
waiter_free (Waiter *waiter)
{
  if (waiter->destroy != NULL)
    waiter->destroy (waiter->user_data);
  g_clear_error (&waiter->error);
  g_free (waiter->name);
  g_free (waiter);
}

/* Hands each change's outcome to its waiter. */
static void
deliver (GPtrArray    *waiters,
         const GError *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      waiter->done (error != NULL ? error : waiter->error, waiter->user_data);
      waiter_free (waiter);
    }
  g_ptr_array_set_size (waiters, 0);
}

/* Each pending change's outcome (insert_later), once its group committed
 * on @store: a userName taken is that change's 409. */
static void
read_outcomes (PvdStore  *store,
               GPtrArray *waiters)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);
      gint64 changes;

      if (!waiter->pending)
        continue;
      changes = store->db->klass->later_changes (store->db, waiter->ticket);
      if (changes == 0)
        g_set_error (&waiter->error, PVD_ERROR, PVD_ERROR_EXISTS,
                     "A user with userName “%s” already exists", waiter->name);
      else if (changes < 0)
        g_set_error (&waiter->error, PVD_ERROR, PVD_ERROR_DATABASE,
                     "The outcome of a SCIM change is unknown");
    }
}

/* With two connections (PostgreSQL): the open group is committed on its
 * connection without the lock, while the workers' changes open the next
 * group on the other one.  Its statements wait in the pipeline of its own
 * commit (insert_later), which follows this one; a statement sent before
 * that (a change that reads) waits, if it must, for the connection's lock
 * that this commit releases.  The lock is held, and is again on return;
 * returns the group's waiters, for deliver(). */
static GPtrArray *
commit_unlocked (PvdWriter  *self,
                 GError    **error)
{
  GPtrArray *waiters = g_steal_pointer (&self->waiting);
  PvdStore *store = self->store;

  self->waiting = g_ptr_array_new ();
  self->store = g_steal_pointer (&self->spare);
  self->open = FALSE;
  self->commit_wanted = FALSE;
  g_hash_table_remove_all (self->locked);
  g_mutex_unlock (&self->lock);

  if (pvd_store_end_write (store, error))
    read_outcomes (store, waiters);

  g_mutex_lock (&self->lock);
  if (*error == NULL)
    {
      self->n_groups++;
      self->n_changes += waiters->len;
    }
  self->spare = store;
  self->committed_at = g_get_monotonic_time ();
  return waiters;
}

/* Ends the open group: commits it, or rolls it back after @error.  Returns
 * the group's waiters, for deliver() once the lock is released. */
static GPtrArray *
end_group_locked (PvdWriter  *self,
                  GError    **error)
{
  GPtrArray *waiters = g_steal_pointer (&self->waiting);

  self->waiting = g_ptr_array_new ();
  if (self->open && (error == NULL || *error == NULL))
    {
      pvd_store_end_write (self->store, error);
      self->n_groups++;
      self->n_changes += waiters->len;
      if (error == NULL || *error == NULL)
        read_outcomes (self->store, waiters);
    }
  else
    pvd_store_cancel_write (self->store);
  self->committed_at = g_get_monotonic_time ();
  self->open = FALSE;
  self->commit_wanted = FALSE;
  g_hash_table_remove_all (self->locked);
  return waiters;
}

static gpointer
commit_thread (gpointer data)
{
  PvdWriter *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      g_autoptr(GPtrArray) waiters = NULL;
      g_autoptr(GError) error = NULL;

      if (!self->open)
        {
          if (self->stopping)
            break;
          g_cond_wait (&self->cond, &self->lock);
          continue;
        }
      if (!self->commit_wanted && !self->stopping &&
          g_get_monotonic_time () < self->opened_at + GROUP_WINDOW)
        {
          g_cond_wait_until (&self->cond, &self->lock, self->opened_at + GROUP_WINDOW);
          continue;
        }

      waiters = self->spare != NULL ? commit_unlocked (self, &error) : end_group_locked (self, &error);
      if (error != NULL)
        g_warning ("Could not commit %u SCIM changes: %s", waiters->len, error->message);
      g_mutex_unlock (&self->lock);
      deliver (waiters, error);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * pvd_writer_new:
 * @location: the database, as pvd_store_open() takes it
 *
 * Opens the writer's own connection and starts its commit thread.
 *
 * Returns: (transfer full): the writer, or %NULL with @error set
 */
PvdWriter *
pvd_writer_new (const char  *location,
                GError     **error)
{
  PvdStore *store = pvd_store_open (location, error);
  PvdWriter *self;

  if (store == NULL)
    return NULL;
  self = g_new0 (PvdWriter, 1);
  self->store = store;
  self->stores[0] = store;
  /* A new user is inserted without waiting, its outcome read at the
   * commit, where the database can (PostgreSQL: one round trip a group,
   * not one a change); and there a second connection takes the next
   * group's changes while the first commits (commit_unlocked()). */
  store->insert_later = store->db->klass->step_counted_later != NULL;
  if (store->insert_later)
    {
      self->spare = pvd_store_open (location, error);
      if (self->spare == NULL)
        {
          g_object_unref (store);
          g_free (self);
          return NULL;
        }
      self->spare->insert_later = TRUE;
      self->stores[1] = self->spare;
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->stores); i++)
    if (self->stores[i] != NULL && self->stores[i]->db->klass->round_trips != NULL)
      self->round_trips += self->stores[i]->db->klass->round_trips (self->stores[i]->db);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->waiting = g_ptr_array_new ();
  self->locked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thread = g_thread_new ("pvd-commit", commit_thread, self);
  return self;
}

/**
 * pvd_writer_stop:
 *
 * Commits the open group, hands its outcomes over, and stops the commit
 * thread; a change begun after this fails.  Call it while the workers
 * still serve, so that they answer those requests.
 */
void
pvd_writer_stop (PvdWriter *self)
{
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
}

/**
 * pvd_writer_free:
 *
 * Stops the writer (pvd_writer_stop()) and frees it, once no worker uses
 * it.
 */
void
pvd_writer_free (PvdWriter *self)
{
  gint64 round_trips = 0;

  pvd_writer_stop (self);

  for (guint i = 0; i < G_N_ELEMENTS (self->stores); i++)
    if (self->stores[i] != NULL && self->stores[i]->db->klass->round_trips != NULL)
      round_trips += self->stores[i]->db->klass->round_trips (self->stores[i]->db);
  g_debug ("SCIM writes: %" G_GINT64_FORMAT " changes in %" G_GINT64_FORMAT " commits, %"
           G_GINT64_FORMAT " round trips to the database",
           self->n_changes, self->n_groups, round_trips - self->round_trips);
  g_ptr_array_unref (self->waiting);
  g_hash_table_unref (self->locked);
  for (guint i = 0; i < G_N_ELEMENTS (self->stores); i++)
    g_clear_object (&self->stores[i]);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Opens a group's transaction; the lock is held. */
static gboolean
open_group_locked (PvdWriter  *self,
                   GError    **error)
{
  if (!pvd_store_begin_write (self->store, error))
    {
      pvd_store_cancel_write (self->store);
      return FALSE;
    }
  self->open = TRUE;
  self->opened_at = g_get_monotonic_time ();
  g_cond_signal (&self->cond);
  return TRUE;
}

/* Ends the open group and hands its outcomes over, as the commit thread
 * would; the lock is held, and still is after. */
static void
end_group_and_deliver_locked (PvdWriter  *self,
                              GError    **error)
{
  g_autoptr(GPtrArray) waiters = end_group_locked (self, error);

  if (*error != NULL && waiters->len > 0)
    g_warning ("Lost %u uncommitted SCIM changes: %s", waiters->len, (*error)->message);
  deliver (waiters, *error);
}

/* Locks the connection of @key for the open group, which is then the
 * first of a group if it has to wait (see above). */
static gboolean
lock_connection_locked (PvdWriter   *self,
                        gint64       tenant_id,
                        const char  *kind,
                        GError     **error)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", tenant_id, kind);
  gboolean first = g_hash_table_size (self->locked) == 0;
  PvdLock lock;

  if (g_hash_table_contains (self->locked, key))
    return TRUE;
  lock = pvd_store_lock_connection (self->store, tenant_id, kind, first, error);
  if (lock == PVD_LOCK_BUSY)
    {
      g_autoptr(GError) commit_error = NULL;

      /* Another node writes this connection: commit what this group
       * holds, so that nobody waits for it, then wait in a new group. */
      end_group_and_deliver_locked (self, &commit_error);
      if (!open_group_locked (self, error))
        return FALSE;
      lock = pvd_store_lock_connection (self->store, tenant_id, kind, TRUE, error);
    }
  if (lock != PVD_LOCK_HELD)
    return FALSE;
  g_hash_table_add (self->locked, g_steal_pointer (&key));
  return TRUE;
}

/**
 * pvd_writer_begin:
 * @tenant_id: the tenant whose connection the change writes
 * @kind: the connection
 *
 * Starts a change: takes the writer's lock, opens a group's transaction if
 * none is, locks the connection for it, and opens a savepoint for the
 * change.  Every pvd_writer_begin() that returns a store is followed by one
 * pvd_writer_end(), in the same thread.
 *
 * Returns: (transfer none): the store to make the change in, or %NULL with
 *   @error set (the database is unavailable or busy)
 */
PvdStore *
pvd_writer_begin (PvdWriter   *self,
                  gint64       tenant_id,
                  const char  *kind,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_mutex_lock (&self->lock);
  pvd_store_clear_pending (self->store);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAVAILABLE, "The server is stopping");
      return NULL;
    }
  if (!self->open && !open_group_locked (self, error))
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  if (!lock_connection_locked (self, tenant_id, kind, &local_error) ||
      !pvd_store_run_sql (self->store, savepoint_sql, &local_error))
    {
      /* A lock not had in time, or a database gone, took the group. */
      if (self->open)
        end_group_and_deliver_locked (self, &local_error);
      g_mutex_unlock (&self->lock);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return self->store;
}

/**
 * pvd_writer_undo:
 *
 * Undoes what the change made so far, and only that; the change goes on
 * (its event is still recorded).
 */
void
pvd_writer_undo (PvdWriter *self)
{
  g_autoptr(GError) error = NULL;

  pvd_store_clear_pending (self->store);
  if (!pvd_store_run_sql (self->store, undo_sql, &error))
    g_debug ("Could not undo a SCIM change: %s", error->message);
}

/**
 * pvd_writer_end:
 * @done: (nullable): called once the change is committed or lost, in the
 *   commit thread or in this one, possibly with the writer's lock held (it
 *   must not call the writer); %NULL for a change that was undone and
 *   whose request is answered now
 *
 * Ends the change begun by pvd_writer_begin() and releases the lock.
 */
void
pvd_writer_end (PvdWriter      *self,
                PvdWriterDone   done,
                gpointer        user_data,
                GDestroyNotify  destroy)
{
  g_autoptr(GPtrArray) lost = NULL;
  g_autoptr(GError) error = NULL;
  Waiter *waiter = NULL;

  if (done != NULL)
    {
      waiter = g_new0 (Waiter, 1);
      waiter->done = done;
      waiter->user_data = user_data;
      waiter->destroy = destroy;
      if (self->store->pending_sent)
        {
          waiter->pending = TRUE;
          waiter->ticket = self->store->pending_ticket;
          waiter->name = g_steal_pointer (&self->store->pending_name);
        }
    }
  pvd_store_clear_pending (self->store);

  /* A database that fails a statement so badly that it ends the
   * transaction (a full disk, a lost connection) took the group with it. */
  if (!pvd_db_in_transaction (self->store->db) || !pvd_store_run_sql (self->store, release_sql, &error))
    {
      if (error == NULL)
        pvd_store_set_db_error (self->store, &error);
      if (waiter != NULL)
        g_ptr_array_add (self->waiting, waiter);
      lost = end_group_locked (self, &error);
    }
  else if (waiter != NULL)
    {
      g_ptr_array_add (self->waiting, waiter);
      if (self->waiting->len == 1 && g_get_monotonic_time () - self->committed_at >= GROUP_WINDOW)
        {
          self->commit_wanted = TRUE;
          g_cond_signal (&self->cond);
        }
    }
  g_mutex_unlock (&self->lock);

  if (lost != NULL)
    {
      g_warning ("Lost %u uncommitted SCIM changes: %s", lost->len, error->message);
      deliver (lost, error);
    }
}
