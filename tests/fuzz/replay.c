/* replay.c: runs saved inputs through a fuzz harness, without libFuzzer
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-replay-TARGET DIR|FILE...: every file of each directory (not those
 * starting with a dot), in name order, is one input.  The seed corpora and
 * the crashes found earlier (regressions/) run this way in every build,
 * the sanitizers' included; a crash fails the test, and so does finding
 * no input at all.
 */

#include "config.h"

#include <string.h>

#include "fuzz.h"

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *exact = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  /* Exactly the input's bytes, without the NUL g_file_get_contents()
   * adds, so that AddressSanitizer sees a read past the end; never NULL,
   * as with libFuzzer. */
  exact = g_malloc (MAX (length, 1));
  memcpy (exact, contents, length);
  g_print ("%s\n", path);
  LLVMFuzzerTestOneInput (exact, length);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  guint n = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s DIR|FILE...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          if (!replay_file (argv[i]))
            return 1;
          n++;
          continue;
        }
      dir = g_dir_open (argv[i], 0, &error);
      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        {
          if (!replay_file (g_ptr_array_index (names, j)))
            return 1;
          n++;
        }
    }
  g_print ("%u inputs replayed\n", n);
  return n > 0 ? 0 : 1;
}
