/* test-files.c: Provisio's own files, written off the main thread
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pv-files.h"

#define N_WRITES 40

typedef struct {
  guint order[N_WRITES];
  guint n_done;
} Writes;

typedef struct {
  Writes *writes;
  guint   n;
} Write;

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree Write *write = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (pv_file_write_private_finish (result, &error));
  g_assert_no_error (error);
  write->writes->order[write->writes->n_done++] = write->n;
}

/* Many writes of one file asked for at once (a setup remembered, then
 * forgotten; a tenant added, then removed): the file ends with the last
 * content, and the writes say they are done in the order they were asked
 * for.  Each in a worker thread of its own, as before, they could end in
 * any order, and an older content replace a newer one. */
static void
test_writes_in_order (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-test-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_autofree char *path = g_build_filename (state, "file.ini", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_autofree char *last = NULL;
  Writes writes = { { 0 }, 0 };
  GStatBuf st;

  for (guint i = 0; i < N_WRITES; i++)
    {
      /* Sizes that differ, the first the largest: the writes take
       * different times */
      char *text = g_strdup_printf ("[write]\nn=%u\npad=%*s\n", i, (int) ((N_WRITES - i) * 4096), "");
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = NULL;
      Write *write = g_new0 (Write, 1);

      g_free (last);
      last = g_strdup (text);
      bytes = g_bytes_new_take (text, length);
      write->writes = &writes;
      write->n = i;
      pv_file_write_private_async (file, bytes, NULL, written_cb, write);
    }
  while (writes.n_done < N_WRITES)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_WRITES; i++)
    g_assert_cmpuint (writes.order[i], ==, i);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, last);
  /* Readable by its owner only */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (state), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Reads @file both ways, and checks that both give the same answer. */
static gboolean
load_list (GFile   *file,
           char   **contents,
           GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) async_error = NULL;
  g_autofree char *async_contents = NULL;
  gsize length = 99, async_length = 99;
  gboolean ok, async_ok;

  ok = pv_file_load_list (file, NULL, contents, &length, error);
  g_file_load_contents_async (file, NULL, loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  async_ok = pv_file_load_list_finish (file, result, &async_contents, &async_length, &async_error);

  g_assert_cmpint (ok, ==, async_ok);
  if (ok)
    {
      g_assert_cmpstr (*contents, ==, async_contents);
      g_assert_cmpuint (length, ==, strlen (*contents));
      g_assert_cmpuint (async_length, ==, length);
    }
  else
    g_assert_true (g_error_matches (async_error, (*error)->domain, (*error)->code));
  return ok;
}

static void
test_load_list (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pv-files-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tenants.ini", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *present = NULL;
  char *unreadable = (char *) "untouched";

  /* No list yet: empty, not an error. */
  g_assert_true (load_list (file, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (missing, ==, "");

  g_assert_true (g_file_set_contents (path, "[tenant]\nname=A\n", -1, NULL));
  g_assert_true (load_list (file, &present, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (present, ==, "[tenant]\nname=A\n");

  /* Something there that cannot be read is an error, and not taken for an
   * empty list (which would lose the tenants at the next save). */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (load_list (file, &unreadable, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
  g_assert_cmpstr (unreadable, ==, "untouched");

  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/files/writes-in-order", test_writes_in_order);
  g_test_add_func ("/files/load-list", test_load_list);
  return g_test_run ();
}
