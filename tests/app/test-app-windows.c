/* test-app-windows.c: the app's smaller windows under Xvfb, driven through
 * their widgets as a person would, with the real GTK and the app's own
 * settings (in memory)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Preferences window: the reminder thresholds go through the core's
 * parser (pv_expiry_policy_parse()), are kept normalised, and refused
 * with the parser's own words when invalid, the setting left as it was;
 * the refresh interval and the clipboard timeout change the settings the
 * app reads, within their ranges.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pv-application.h"
#include "pv-expiry.h"

#include "app-test-util.h"

static PvApplication *app;

static AdwPreferencesWindow *
open_preferences (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  return ADW_PREFERENCES_WINDOW (wait_for_window (ADW_TYPE_PREFERENCES_WINDOW));
}

static void
close_preferences (AdwPreferencesWindow *window)
{
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5));
}

/* Types @text into the thresholds row and presses its apply button. */
static GtkWidget *
apply_thresholds (AdwPreferencesWindow *window,
                  const char           *text)
{
  GtkWidget *row = find (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Reminder thresholds (days)");

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  return row;
}

static void
test_thresholds (void)
{
  GSettings *settings = pv_application_get_settings (app);
  AdwPreferencesWindow *window;
  GtkWidget *row;
  PvExpiryPolicy policy = { 0 };
  g_autofree char *expected = NULL;

  g_settings_set_string (settings, "reminder-thresholds", "");
  window = open_preferences ();

  /* Valid, in any order and spacing: kept as the core parser writes it. */
  g_assert_true (pv_expiry_policy_parse (&policy, " 3, 14,1 ", NULL));
  expected = pv_expiry_policy_to_string (&policy);
  g_assert_cmpstr (expected, ==, "14,3,1");
  row = apply_thresholds (window, " 3, 14,1 ");
  {
    g_autofree char *kept = g_settings_get_string (settings, "reminder-thresholds");

    g_assert_cmpstr (kept, ==, expected);
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, expected);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  /* The app reads them, for every tenant; the last week stays urgent. */
  {
    PvExpiryPolicy used = { 0 };

    pv_application_get_policy (app, &used);
    g_assert_cmpuint (used.n_thresholds, ==, 3);
    g_assert_cmpuint (used.thresholds[0], ==, 14);
    g_assert_cmpuint (used.thresholds[2], ==, 1);
    g_assert_cmpuint (used.urgent_days, ==, PV_EXPIRY_DEFAULT_URGENT_DAYS);
  }

  /* Invalid: refused with the parser's words, the setting unchanged. */
  {
    const char *invalid[] = { "14,abc", "3,3", "14,-1", "0", "1,2,3,4,5,6,7,8,9,10,11" };

    for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
      {
        PvExpiryPolicy scratch = { 0 };
        g_autoptr(GError) error = NULL;
        g_autofree char *kept = NULL;

        g_test_message ("%s", invalid[i]);
        g_assert_false (pv_expiry_policy_parse (&scratch, invalid[i], &error));
        row = apply_thresholds (window, invalid[i]);
        kept = g_settings_get_string (settings, "reminder-thresholds");
        g_assert_cmpstr (kept, ==, expected);
        g_assert_true (gtk_widget_has_css_class (row, "error"));
        g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, error->message);
      }
  }

  /* Corrected, the error goes; empty is each tenant's own schedule. */
  row = apply_thresholds (window, "30,7");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_null (gtk_widget_get_tooltip_text (row));
  {
    g_autofree char *kept = g_settings_get_string (settings, "reminder-thresholds");

    g_assert_cmpstr (kept, ==, "30,7");
  }
  row = apply_thresholds (window, "  ");
  {
    g_autofree char *kept = g_settings_get_string (settings, "reminder-thresholds");
    PvExpiryPolicy defaults = { 0 };
    PvExpiryPolicy used = { 0 };

    g_assert_cmpstr (kept, ==, "");
    pv_expiry_policy_init_default (&defaults);
    pv_application_get_policy (app, &used);
    g_assert_cmpuint (used.n_thresholds, ==, defaults.n_thresholds);
  }
  close_preferences (window);

  /* Opened again, the window shows what is kept. */
  g_settings_set_string (settings, "reminder-thresholds", "14,3,1");
  window = open_preferences ();
  row = find (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Reminder thresholds (days)");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "14,3,1");
  close_preferences (window);
  g_settings_reset (settings, "reminder-thresholds");
}

/* The spin button of the row titled @title. */
static GtkSpinButton *
spin_of (AdwPreferencesWindow *window,
         const char           *title)
{
  GtkWidget *row = find (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return GTK_SPIN_BUTTON (find (row, GTK_TYPE_SPIN_BUTTON, NULL));
}

static void
test_spin_settings (void)
{
  GSettings *settings = pv_application_get_settings (app);
  AdwPreferencesWindow *window = open_preferences ();
  const struct { const char *title; const char *key; guint value; guint low; guint high; } rows[] = {
    { "Refresh every (minutes)", "refresh-interval", 45, 1, 1440 },
    { "Clear a copied token after (seconds)", "clipboard-timeout", 30, 10, 600 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkSpinButton *spin = spin_of (window, rows[i].title);

      g_assert_nonnull (spin);
      /* Shows the setting ... */
      g_assert_cmpuint ((guint) gtk_spin_button_get_value (spin), ==, g_settings_get_uint (settings, rows[i].key));
      /* ... and changes it. */
      gtk_spin_button_set_value (spin, rows[i].value);
      g_assert_cmpuint (g_settings_get_uint (settings, rows[i].key), ==, rows[i].value);
      /* Within the schema's range, whatever is typed. */
      gtk_spin_button_set_value (spin, rows[i].high + 1000);
      g_assert_cmpuint (g_settings_get_uint (settings, rows[i].key), ==, rows[i].high);
      gtk_spin_button_set_value (spin, 0);
      g_assert_cmpuint (g_settings_get_uint (settings, rows[i].key), ==, rows[i].low);
      /* And the other way: a change of the setting shows. */
      g_settings_set_uint (settings, rows[i].key, rows[i].value);
      g_assert_cmpuint ((guint) gtk_spin_button_get_value (spin), ==, rows[i].value);
      g_settings_reset (settings, rows[i].key);
    }
  close_preferences (window);
}

static gboolean
window_mapped_cb (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *workdir = NULL;
  g_autofree char *tenants = NULL;
  int status;

  workdir = g_dir_make_tmp ("provisio-test-app-windows-XXXXXX", &error);
  g_assert_no_error (error);
  tenants = g_build_filename (workdir, "tenants.ini", NULL);
  g_setenv ("PROVISIO_TENANTS_FILE", tenants, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  app = pv_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (spin_until (window_mapped_cb, NULL, 20));

  g_test_add_func ("/app-windows/preferences/thresholds", test_thresholds);
  g_test_add_func ("/app-windows/preferences/spin-settings", test_spin_settings);
  status = g_test_run ();

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  g_remove (tenants);
  g_rmdir (workdir);
  return status;
}
