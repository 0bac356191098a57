/* main.c: provisio, the desktop app
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pv-application.h"
#include "pv-bench.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PvApplication) app = NULL;

  pv_bench_mark ("main");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pv_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
