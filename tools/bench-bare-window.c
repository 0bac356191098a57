/* tools/bench-bare-window.c: the floor tools/bench-app measures Provisio
 * against: a bare libadwaita window (a header bar and a label), the least
 * any libadwaita app on this machine maps in and lives in.  With a
 * number N, the same window also holds N widgets (rows of a dot, a name
 * and a state, in a scrolled box, laid out and drawn before it maps):
 * the floor of a window with as many widgets as Provisio's overview
 * (tools/bench-app passes the count Provisio reports).
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>

static guint n_widgets;

static void
activate_cb (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Bare libadwaita window");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  if (n_widgets > 0)
    {
      GtkWidget *rows = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      /* Four widgets a row: the row, its dot and its two lines */
      for (guint i = 0; i < n_widgets / 4; i++)
        {
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
          g_autofree char *name = g_strdup_printf ("Tenant %u", i);

          gtk_box_append (GTK_BOX (row), gtk_image_new_from_icon_name ("media-record-symbolic"));
          gtk_box_append (GTK_BOX (row), gtk_label_new (name));
          gtk_box_append (GTK_BOX (row), gtk_label_new ("Due soon"));
          gtk_box_append (GTK_BOX (rows), row);
        }
      gtk_widget_set_vexpand (scrolled, TRUE);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), rows);
      gtk_box_append (GTK_BOX (box), scrolled);
    }
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.provisio.BenchBareWindow",
                                                       G_APPLICATION_NON_UNIQUE);

  if (argc > 1)
    n_widgets = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
