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

/**
 * pv_file_write_private_async:
 * @file: where to write
 * @contents: what to write
 *
 * Replaces @file with @contents, atomically and readable by its owner only,
 * creating its directory if needed.
 */
void
pv_file_write_private_async (GFile               *file,
                             GBytes              *contents,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (file, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_file_write_private_async);
  g_task_set_task_data (task, g_bytes_ref (contents), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, write_thread);
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
