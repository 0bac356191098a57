/* pv-files.c: writing Provisio's own files off the main thread
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-files"

#include "config.h"

#include "pv-files.h"

/* In a worker thread: the directory may need creating, then the file is
 * replaced atomically, readable by its owner only. */
static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GFile *file = source;
  GBytes *bytes = task_data;
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  if (!g_file_make_directory_with_parents (parent, cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  if (!g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL,
                                FALSE, G_FILE_CREATE_PRIVATE, NULL, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The writes of one file run one after the other, in the order they were
 * asked for: two in worker threads at once could end in either order, and
 * an older content then replaced a newer one (a setup forgotten came back).
 * Path -> the writes waiting for the one in flight (a GQueue of GTasks). */
G_LOCK_DEFINE_STATIC (writing);
static GHashTable *writing;

static void start_next_write (const char *path);

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *path = g_file_get_path (G_FILE (source));
  GError *error = NULL;

  start_next_write (path);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* After the write of @path in flight: the next one asked for, if any */
static void
start_next_write (const char *path)
{
  GTask *next = NULL;

  G_LOCK (writing);
  {
    GQueue *waiting = g_hash_table_lookup (writing, path);

    next = g_queue_pop_head (waiting);
    if (next == NULL)
      g_hash_table_remove (writing, path);
  }
  G_UNLOCK (writing);
  if (next != NULL)
    {
      g_task_run_in_thread (next, write_thread);
      g_object_unref (next);
    }
}

/**
 * pv_file_write_private_async:
 * @file: where to write
 * @contents: what to write
 *
 * Replaces @file with @contents, atomically and readable by its owner only,
 * creating its directory if needed.  Writes of the same file end in the
 * order they were asked for, the last content last.
 */
void
pv_file_write_private_async (GFile               *file,
                             GBytes              *contents,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GTask) task = NULL;
  GTask *write;
  gboolean queued = FALSE;

  g_return_if_fail (path != NULL);
  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_file_write_private_async);
  /* The write itself, which hands its result to @task when done */
  write = g_task_new (file, cancellable, written_cb, g_steal_pointer (&task));
  g_task_set_task_data (write, g_bytes_ref (contents), (GDestroyNotify) g_bytes_unref);

  G_LOCK (writing);
  if (writing == NULL)
    writing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_queue_free);
  if (g_hash_table_contains (writing, path))
    {
      g_queue_push_tail (g_hash_table_lookup (writing, path), write);
      queued = TRUE;
    }
  else
    g_hash_table_insert (writing, g_strdup (path), g_queue_new ());
  G_UNLOCK (writing);

  if (!queued)
    {
      g_task_run_in_thread (write, write_thread);
      g_object_unref (write);
    }
}

gboolean
pv_file_write_private_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_file_write_private_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_file_new_for_state:
 * @name: a file name
 *
 * Returns: (transfer full): $XDG_STATE_HOME/provisio/@name, where Provisio
 *   keeps what it learned (no secret), shared by the app and provisioctl
 */
GFile *
pv_file_new_for_state (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "provisio", name, NULL);

  return g_file_new_for_path (path);
}

/* A list the user has not made yet (no tenants, no apps) is empty, not an
 * error; any other failure to read it is. */
static gboolean
missing_is_empty (GError **local_error,
                  char   **contents,
                  gsize   *length,
                  GError **error)
{
  if (!g_error_matches (*local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (local_error));
      return FALSE;
    }
  g_clear_error (local_error);
  *contents = g_strdup ("");
  *length = 0;
  return TRUE;
}

/**
 * pv_file_load_list:
 * @file: a list Provisio keeps, such as `tenants.ini`
 * @cancellable: (nullable): a #GCancellable
 * @contents: (out): the file's contents, or "" when there is no file yet
 * @length: (out): the length of @contents
 * @error: return location for an error
 *
 * Reads @file in the calling thread, as g_file_load_contents() does, except
 * that a file that is not there reads as empty.
 *
 * Returns: %TRUE when @contents was read or the file is missing
 */
gboolean
pv_file_load_list (GFile         *file,
                   GCancellable  *cancellable,
                   char         **contents,
                   gsize         *length,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_load_contents (file, cancellable, contents, length, NULL, &local_error))
    return TRUE;
  return missing_is_empty (&local_error, contents, length, error);
}

/**
 * pv_file_load_list_finish:
 * @file: the file given to g_file_load_contents_async()
 * @result: its result
 * @contents: (out): the file's contents, or "" when there is no file yet
 * @length: (out): the length of @contents
 * @error: return location for an error
 *
 * Finishes g_file_load_contents_async() as pv_file_load_list() reads.
 *
 * Returns: %TRUE when @contents was read or the file is missing
 */
gboolean
pv_file_load_list_finish (GFile         *file,
                          GAsyncResult  *result,
                          char         **contents,
                          gsize         *length,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_load_contents_finish (file, result, contents, length, NULL, &local_error))
    return TRUE;
  return missing_is_empty (&local_error, contents, length, error);
}
