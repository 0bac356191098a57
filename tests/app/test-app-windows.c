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
 *
 * The renew assistant's Copy, against a real provisiod on loopback and the
 * keyring of tests/with-session.sh: the clipboard, read back through
 * GdkClipboard, holds the new token, and is cleared once the configured
 * timeout has passed, not before.
 *
 * Test Connection, against the same kind of provisiod: a token pasted,
 * the verdict the identity provider's own test would give (accepted,
 * rejected, nothing there, not SCIM).
 *
 * The tenant page after a token is issued through the renew assistant, as
 * a new user would: the panels and rows are the same widgets (a row left
 * expanded stays expanded), the new token has its row, and the page stays
 * where the reader scrolled it (it used to be rebuilt and jump to the top);
 * the new token's first use changes its row's words in place.
 *
 * Export Expiries: through the file chooser to a .ics file whose event
 * for the tenant's token is on the day it expires, with the alarms.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <libsoup/soup.h>
#include <signal.h>

#include "pv-app-page.h"
#include "pv-application.h"
#include "pv-entra.h"
#include "pv-connection-panel.h"
#include "pv-expiry.h"
#include "pv-renew-window.h"
#include "pv-tenant-page.h"
#include "pv-tenant-list.h"
#include "pv-test-window.h"
#include "pv-time.h"
#include "pv-token-row.h"
#include "pv-tracked-add.h"
#include "pv-widgets.h"
#include "pv-window.h"

#include "app-test-util.h"

static PvApplication *app;
static char *workdir;

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

/* The renew assistant's Copy and the clipboard timeout */

/* provisiod on loopback with the tenant "acme" in a database of its own
 * (@name); returns its URL and key. */
static GSubprocess *
start_provisiod (const char  *name,
                 char       **url,
                 char       **key)
{
  g_autofree char *db = g_build_filename (workdir, name, NULL);

  return provisiod_start (db, url, key);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

typedef struct {
  GtkWidget *widget;
  char      *text;
} ClipboardWait;

static gboolean
clipboard_cleared_cb (gpointer data)
{
  ClipboardWait *w = data;

  g_clear_pointer (&w->text, g_free);
  w->text = read_clipboard (w->widget);
  return *w->text == '\0';
}

static void
test_clipboard_cleared (void)
{
  GSettings *settings = pv_application_get_settings (app);
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  ClipboardWait wait = { NULL, NULL };
  GtkWindow *assistant;
  gint64 copied;
  double waited;

  if (g_getenv ("PROVISIOD") == NULL)
    g_error ("PROVISIOD is not set (tests/app/meson.build sets it)");
  server = start_provisiod ("clipboard.db", &url, &key);
  add_tenant (pv_application_get_tenants (app), "acme", url, key);

  /* The shortest timeout the preferences allow. */
  g_settings_set_uint (settings, "clipboard-timeout", 10);
  g_action_group_activate_action (G_ACTION_GROUP (app), "renew", g_variant_new ("(ss)", "acme", "users"));
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_true (spin_until (step_is_cb, (gpointer) "intro", 20));
  click (GTK_WIDGET (assistant), "Issue New Token");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  click (GTK_WIDGET (assistant), "Copy Token");
  copied = g_get_monotonic_time ();

  /* The clipboard holds the new token ... */
  secret = read_clipboard (GTK_WIDGET (assistant));
  g_assert_true (g_str_has_prefix (secret, "pvs_"));
  g_assert_cmpuint (strlen (secret), >, 20);
  /* ... until the timeout, then nothing: waited for, not slept. */
  wait.widget = GTK_WIDGET (assistant);
  g_assert_true (spin_until (clipboard_cleared_cb, &wait, 20));
  waited = (g_get_monotonic_time () - copied) / (double) G_USEC_PER_SEC;
  g_test_message ("cleared after %.1f s", waited);
  g_assert_cmpfloat (waited, >=, 9.0);
  g_assert_cmpfloat (waited, <, 15.0);
  g_assert_true (shows_text (GTK_WIDGET (assistant), "The token is no longer on the clipboard"));
  g_free (wait.text);

  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  g_settings_reset (settings, "clipboard-timeout");
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

/* Test Connection */

/* A users token issued through the management API, as the tests see it:
 * its secret; its SCIM base URL, id and expiry if asked. */
static char *
issue_kind_token (const char  *url,
                  const char  *key,
                  const char  *kind,
                  char       **scim_base_url,
                  char       **id,
                  char       **expires_at)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, "/api/v1/provisioning/", kind, "/tokens", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autofree char *bearer = g_strconcat ("Bearer ", key, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *answer;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  answer = json_node_get_object (json_parser_get_root (parser));
  *scim_base_url = g_strdup (json_object_get_string_member (answer, "scim_base_url"));
  if (id != NULL)
    *id = g_strdup (json_object_get_string_member (json_object_get_object_member (answer, "token"), "id"));
  if (expires_at != NULL)
    *expires_at = g_strdup (json_object_get_string_member (json_object_get_object_member (answer, "token"),
                                                           "expires_at"));
  return g_strdup (json_object_get_string_member (answer, "secret"));
}

static char *
issue_token (const char  *url,
             const char  *key,
             char       **scim_base_url,
             char       **id,
             char       **expires_at)
{
  return issue_kind_token (url, key, "users", scim_base_url, id, expires_at);
}

/* Revokes a token through the management API, in use or not, as a
 * vendor's console would */
static void
revoke_kind_token (const char *url,
                   const char *key,
                   const char *kind,
                   const char *id)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, "/api/v1/provisioning/", kind, "/tokens/", id, "?force=true", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("DELETE", uri);
  g_autofree char *bearer = g_strconcat ("Bearer ", key, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg) / 100, ==, 2);
}

typedef struct {
  GtkWidget *window;
  char      *title;
  char      *subtitle;
} Verdict;

static gboolean
verdict_shown_cb (gpointer data)
{
  Verdict *v = data;
  GtkWidget *row;

  row = find (v->window, ADW_TYPE_ACTION_ROW, "The connection works");
  if (row == NULL)
    row = find (v->window, ADW_TYPE_ACTION_ROW, "The connection does not work");
  if (row == NULL)
    row = find (v->window, ADW_TYPE_ACTION_ROW, "Could not test");
  if (row == NULL)
    return FALSE;
  v->title = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  v->subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  return TRUE;
}

/* Opens Test Connection on @scim_base_url, pastes @token, presses Test. */
static void
probe_in_window (const char *scim_base_url,
                 const char *token,
                 const char *title,
                 const char *subtitle)
{
  GtkWindow *window = pv_test_window_new (scim_base_url, "Users");
  Verdict v = { GTK_WIDGET (window), NULL, NULL };
  GtkWidget *row;

  gtk_window_present (window);
  g_assert_true (spin_until (window_shown_cb, GSIZE_TO_POINTER (PV_TYPE_TEST_WINDOW), 10));
  g_assert_true (shows_text (GTK_WIDGET (window), "Test the Users Connection"));
  /* No verdict before a test. */
  g_assert_false (verdict_shown_cb (&v));
  row = find (GTK_WIDGET (window), ADW_TYPE_PASSWORD_ENTRY_ROW, "Secret token");
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), token);
  click (GTK_WIDGET (window), "Test");
  g_assert_true (spin_until (verdict_shown_cb, &v, 20));
  g_test_message ("%s: %s", v.title, v.subtitle);
  g_assert_cmpstr (v.title, ==, title);
  g_assert_nonnull (strstr (v.subtitle, subtitle));
  g_free (v.title);
  g_free (v.subtitle);
  gtk_window_destroy (window);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_TEST_WINDOW), 10));
}

static void
test_test_connection (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *scim = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *not_scim = NULL;

  server = start_provisiod ("test-connection.db", &url, &key);
  secret = issue_token (url, key, &scim, NULL, NULL);
  g_assert_nonnull (scim);

  /* Accepted */
  probe_in_window (scim, secret, "The connection works", "The SCIM endpoint works and accepts the token");
  /* Rejected: well-formed, not the tenant's */
  wrong = g_strdup (secret);
  wrong[strlen (wrong) - 1] = wrong[strlen (wrong) - 1] == 'A' ? 'B' : 'A';
  probe_in_window (scim, wrong, "The connection does not work", "The endpoint refuses the token (HTTP 401)");
  /* Not SCIM: the management API's address, not the SCIM base URL */
  not_scim = g_strconcat (url, "/api/v1", NULL);
  probe_in_window (not_scim, secret, "The connection does not work", "Nothing at /ServiceProviderConfig below");
  g_assert_cmpstr (not_scim, !=, scim);
  /* Unreachable: the server gone */
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  probe_in_window (scim, secret, "The connection does not work", "Nothing answers there");
}

/* The calendar export */

static gboolean
file_chooser_shown_cb (gpointer data)
{
  *(GtkWindow **) data = find_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
  return *(GtkWindow **) data != NULL;
}

static gboolean
file_chosen_cb (gpointer data)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (data));

  return chosen != NULL;
}

static gboolean
file_written_cb (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

#define SAML_APP_ID "5a1c0000-e57a-4e00-8000-000000000001"
#define SAML_DAYS_LEFT 40

/* A SAML app's certificate as Import from Entra kept it (entra-saml.ini in
 * this session's own $XDG_STATE_HOME) */
static void
keep_saml_certificate (void)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  g_autoptr(GFile) state = pv_entra_saml_state_file ();
  g_autoptr(GFile) parent = g_file_get_parent (state);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  PvEntraSamlApp *saml = g_new0 (PvEntraSamlApp, 1);

  saml->service_principal_id = g_strdup (SAML_APP_ID);
  saml->display_name = g_strdup ("Wiki SSO");
  saml->thumbprint = g_strdup ("A1A1");
  saml->not_after = g_get_real_time () / G_USEC_PER_SEC + SAML_DAYS_LEFT * 86400;
  g_ptr_array_add (apps, saml);
  bytes = pv_entra_saml_apps_to_bytes (apps);
  if (!g_file_make_directory_with_parents (parent, NULL, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
      g_clear_error (&error);
    }
  g_file_replace_contents (state, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, FALSE,
                           G_FILE_CREATE_PRIVATE, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
test_calendar_export (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *scim = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *path = g_build_filename (workdir, "expiries.ics", NULL);
  g_autofree char *ics = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *start = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(PvTenantInfo) tenant = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autofree char *day = NULL;
  GtkWindow *chooser = NULL;
  gint64 when = 0;

  server = start_provisiod ("calendar.db", &url, &key);
  secret = issue_token (url, key, &scim, &id, &expires);
  pv_tenant_list_add_async (pv_application_get_tenants (app), "cal", url, key, NULL, result_cb, &added);
  while (added == NULL)
    g_main_context_iteration (NULL, TRUE);
  tenant = pv_tenant_list_add_finish (pv_application_get_tenants (app), added, &error);
  g_assert_no_error (error);

  /* Main menu › Export Expiries, a file named, Save: the chooser opens in
   * the working directory, this test's own. */
  g_assert_cmpint (g_chdir (workdir), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app))),
                              "win.export-calendar", NULL);
  g_assert_true (spin_until (file_chooser_shown_cb, &chooser, 10));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "expiries.ics");
  g_assert_true (spin_until (file_chosen_cb, chooser, 10));
  click (GTK_WIDGET (chooser), "Save");
  g_assert_true (spin_until (file_written_cb, path, 10));
  wait_for_text (GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app))),
                 "Expiries saved to expiries.ics");

  /* The token's event, on the day it expires (the app's local time). */
  g_assert_true (g_file_get_contents (path, &ics, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\n"));
  uid = g_strdup_printf ("UID:%s@cal.provisio\r\n", id);
  g_assert_nonnull (strstr (ics, uid));
  g_assert_true (pv_time_parse (expires, &when));
  expiry = g_date_time_new_from_unix_local (when);
  day = g_date_time_format (expiry, "%Y%m%d");
  start = g_strdup_printf ("DTSTART;VALUE=DATE:%s\r\n", day);
  g_assert_nonnull (strstr (ics, start));
  g_assert_nonnull (strstr (ics, "TRIGGER:-P14D\r\n"));
  g_assert_null (strstr (ics, secret));

  /* The SAML app's certificate the app took up at start, with the Entra
   * steps (unfolded, RFC 5545 3.1). */
  {
    g_autoptr(GString) unfolded = g_string_new (ics);

    g_string_replace (unfolded, "\r\n ", "", 0);
    g_assert_nonnull (strstr (unfolded->str, "@entra-saml-" SAML_APP_ID ".provisio\r\n"));
    g_assert_nonnull (strstr (unfolded->str, "SUMMARY:Wiki SSO · SSO certificate expires\r\n"));
    g_assert_nonnull (strstr (unfolded->str, "\\n\\n4. Make the new certificate active\\n"));
  }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

/* The tenant page keeps its widgets and its place */

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_get_mapped (child))
        g_ptr_array_add (found, child);
      collect (child, type, found);
    }
}

typedef struct {
  GtkWidget *root;
  guint      n_rows;
} RowWait;

static gboolean
row_used_cb (gpointer data)
{
  return strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (data)), "last used") != NULL;
}

static gboolean
token_rows_cb (gpointer data)
{
  RowWait *w = data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (w->root, PV_TYPE_TOKEN_ROW, rows);
  return rows->len == w->n_rows;
}

static gboolean
frames_drawn_cb (gpointer data)
{
  gint64 *until = data;

  return gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (
           GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app))))) >= *until;
}

/* Spins until the window has drawn @n more frames: the page laid out anew,
 * and anything that would move its scroll position run. */
static void
wait_frames (guint n)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 until = gdk_frame_clock_get_frame_counter (clock) + n;

  for (guint i = 0; i < n; i++)
    gtk_widget_queue_draw (window);
  g_assert_true (spin_until (frames_drawn_cb, &until, 10));
}

static void
test_tenant_page_kept (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *scim = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(PvTenantInfo) tenant = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) panels = g_ptr_array_new ();
  g_autoptr(GPtrArray) panels_after = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows_after = g_ptr_array_new ();
  PvWindow *window = PV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  GtkWidget *page;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adj;
  GtkWindow *assistant;
  RowWait wait;
  GtkWidget *new_row = NULL;
  g_autofree char *new_secret = NULL;
  double scrolled_to;
  int width, height;

  server = start_provisiod ("page.db", &url, &key);
  /* One users token already, so that there is a row to leave expanded. */
  secret = issue_token (url, key, &scim, NULL, NULL);
  pv_tenant_list_add_async (pv_application_get_tenants (app), "page", url, key, NULL, result_cb, &added);
  while (added == NULL)
    g_main_context_iteration (NULL, TRUE);
  tenant = pv_tenant_list_add_finish (pv_application_get_tenants (app), added, &error);
  g_assert_no_error (error);

  /* A window low enough for the page to scroll. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 560);
  g_assert_true (pv_window_show_tenant (window, "page"));
  page = GTK_WIDGET (find (GTK_WIDGET (window), PV_TYPE_TENANT_PAGE, NULL));
  g_assert_nonnull (page);
  wait.root = page;
  wait.n_rows = 1;
  g_assert_true (spin_until (token_rows_cb, &wait, 20));
  wait_frames (3);
  scrolled = GTK_SCROLLED_WINDOW (find (page, GTK_TYPE_SCROLLED_WINDOW, NULL));
  adj = gtk_scrolled_window_get_vadjustment (scrolled);
  g_test_message ("page %.0f of %.0f", gtk_adjustment_get_page_size (adj), gtk_adjustment_get_upper (adj));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj) + 100);

  /* The reader expands the token and scrolls down to the bottom. */
  collect (page, PV_TYPE_CONNECTION_PANEL, panels);
  collect (page, PV_TYPE_TOKEN_ROW, rows);
  g_assert_cmpuint (panels->len, ==, 2);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (g_ptr_array_index (rows, 0)), TRUE);
  wait_frames (3);
  scrolled_to = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  gtk_adjustment_set_value (adj, scrolled_to);
  wait_frames (2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, scrolled_to);

  /* A token issued through the renew assistant; the tenant is refreshed. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "renew", g_variant_new ("(ss)", "page", "users"));
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_true (spin_until (step_is_cb, (gpointer) "intro", 20));
  click (GTK_WIDGET (assistant), "Issue New Token");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  click (GTK_WIDGET (assistant), "Copy Token");
  new_secret = read_clipboard (GTK_WIDGET (assistant));
  g_assert_true (g_str_has_prefix (new_secret, "pvs_"));
  wait.n_rows = 2;
  g_assert_true (spin_until (token_rows_cb, &wait, 20));
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  wait_frames (5);

  /* The same panels and row, still expanded; the new token's row added. */
  collect (page, PV_TYPE_CONNECTION_PANEL, panels_after);
  collect (page, PV_TYPE_TOKEN_ROW, rows_after);
  g_assert_cmpuint (panels_after->len, ==, 2);
  g_assert_true (g_ptr_array_find (panels_after, g_ptr_array_index (panels, 0), NULL));
  g_assert_true (g_ptr_array_find (panels_after, g_ptr_array_index (panels, 1), NULL));
  g_assert_cmpuint (rows_after->len, ==, 2);
  g_assert_true (g_ptr_array_find (rows_after, g_ptr_array_index (rows, 0), NULL));
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (g_ptr_array_index (rows, 0))));
  /* Where the reader left it: not back at the top. */
  g_test_message ("scrolled to %.0f, now at %.0f", scrolled_to, gtk_adjustment_get_value (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adj) - scrolled_to), <, 1);

  /* The identity provider's first request with the new token, then a
   * refresh: the new row says so, the same row, nothing built anew. */
  for (guint i = 0; i < rows_after->len; i++)
    if (!g_ptr_array_find (rows, g_ptr_array_index (rows_after, i), NULL))
      new_row = g_ptr_array_index (rows_after, i);
  g_assert_nonnull (new_row);
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (new_row)), "waiting for"));
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *users = g_strconcat (scim, "/Users", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", users);
    g_autofree char *bearer = g_strconcat ("Bearer ", new_secret, NULL);
    g_autoptr(GBytes) body = NULL;

    soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }
  pv_application_refresh (app);
  g_assert_true (spin_until (row_used_cb, new_row, 20));
  g_ptr_array_set_size (panels_after, 0);
  g_ptr_array_set_size (rows_after, 0);
  collect (page, PV_TYPE_CONNECTION_PANEL, panels_after);
  collect (page, PV_TYPE_TOKEN_ROW, rows_after);
  g_assert_cmpuint (rows_after->len, ==, 2);
  g_assert_true (g_ptr_array_find (rows_after, new_row, NULL));
  g_assert_true (g_ptr_array_find (rows_after, g_ptr_array_index (rows, 0), NULL));
  g_assert_true (g_ptr_array_find (panels_after, g_ptr_array_index (panels, 0), NULL));
  g_assert_true (g_ptr_array_find (panels_after, g_ptr_array_index (panels, 1), NULL));
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (g_ptr_array_index (rows, 0))));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

/* A tracked app's page keeps its widgets and its place too */

static PvTrackedApp *
track (PvTenantList *tenants,
       const char   *kind,
       const char   *scim_base_url,
       const char   *secret)
{
  g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (tenants);
  g_autoptr(GAsyncResult) tracked = NULL;
  g_autoptr(GError) error = NULL;
  PvTrackRequest request = { "pageapp", NULL, "timly", kind, scim_base_url, secret, 0, 4102444800 };
  PvTrackedApp *added;

  pv_tracked_app_track_async (apps_file, &request, NULL, result_cb, &tracked);
  while (tracked == NULL)
    g_main_context_iteration (NULL, TRUE);
  added = pv_tracked_app_track_finish (tracked, &error);
  g_assert_no_error (error);
  return added;
}

static GtkWidget *
row_titled (GtkWidget  *root,
            const char *title)
{
  GtkWidget *row = find (root, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return row;
}

static gboolean
checked_cb (gpointer data)
{
  return !g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (data)), "Not checked yet");
}

static gboolean
not_checked_cb (gpointer data)
{
  return !checked_cb (data);
}

static gboolean
refused_cb (gpointer data)
{
  return strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (data)), "The endpoint refuses the token") != NULL;
}

/* The users group's "New token" row, shown */
static gboolean
pending_shown_cb (gpointer data)
{
  GtkWidget *row = find (data, ADW_TYPE_ACTION_ROW, "New token");

  return row != NULL &&
         strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Pasted and kept in the keyring") != NULL;
}

/* The rows of @root's groups, their order, and where it is scrolled to:
 * all the same after a change (the same instances, not equal ones). */
static void
assert_same_widgets (GtkWidget *root,
                     GPtrArray *groups,
                     GPtrArray *rows)
{
  g_autoptr(GPtrArray) groups_now = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows_now = g_ptr_array_new ();

  collect (root, PV_TYPE_APP_CONNECTION_GROUP, groups_now);
  collect (root, ADW_TYPE_ACTION_ROW, rows_now);
  g_assert_cmpuint (groups_now->len, ==, groups->len);
  for (guint i = 0; i < groups->len; i++)
    g_assert_true (g_ptr_array_index (groups_now, i) == g_ptr_array_index (groups, i));
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (g_ptr_array_find (rows_now, g_ptr_array_index (rows, i), NULL));
}

/* Back to the overview, and @tracked forgotten */
static void
forget (PvWindow     *window,
        PvTenantList *tenants,
        PvTenantInfo *tracked)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pv_window_show_overview (window);
  pv_tenant_list_remove_async (tenants, tracked, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tenant_list_remove_finish (tenants, result, &error));
  g_assert_no_error (error);
}

static void
test_app_page_kept (void)
{
  PvTenantList *tenants = pv_application_get_tenants (app);
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *users_url = NULL;
  g_autofree char *persons_url = NULL;
  g_autofree char *users = NULL;
  g_autofree char *persons = NULL;
  g_autofree char *renewed = NULL;
  g_autofree char *renewed_url = NULL;
  g_autofree char *renewed_id = NULL;
  g_autofree char *pasted = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  PvWindow *window = PV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  PvTenantInfo *tracked;
  GtkWidget *page, *checked, *renew_button;
  GtkAdjustment *adj;
  double scrolled_to;
  int width, height;

  /* provisiod as the vendor: an app tracked with a users and a persons
   * token, which the refresh's checks ask it about. */
  server = start_provisiod ("app-page.db", &url, &key);
  users = issue_kind_token (url, key, "users", &users_url, NULL, NULL);
  persons = issue_kind_token (url, key, "persons", &persons_url, NULL, NULL);
  pv_tenant_list_add_tracked_app (tenants, track (tenants, "users", users_url, users), NULL, NULL);
  pv_tenant_list_add_tracked_app (tenants, track (tenants, "persons", persons_url, persons), NULL, NULL);
  tracked = pv_tenant_list_lookup (tenants, "pageapp");
  g_assert_nonnull (tracked);

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 560);
  g_assert_true (pv_window_show_tenant (window, "pageapp"));
  page = GTK_WIDGET (find (GTK_WIDGET (window), PV_TYPE_APP_PAGE, NULL));
  g_assert_nonnull (page);
  g_assert_true (pv_app_page_get_tenant (PV_APP_PAGE (page)) == tracked);
  wait_frames (3);
  collect (page, PV_TYPE_APP_CONNECTION_GROUP, groups);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (pv_app_connection_group_get_kind (g_ptr_array_index (groups, 0)), ==, "users");
  g_assert_cmpstr (pv_app_connection_group_get_kind (g_ptr_array_index (groups, 1)), ==, "persons");
  collect (page, ADW_TYPE_ACTION_ROW, rows);
  checked = row_titled (g_ptr_array_index (groups, 0), "Last check");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (checked)), "Not checked yet"));
  g_assert_null (find (g_ptr_array_index (groups, 0), ADW_TYPE_ACTION_ROW, "New token"));
  renew_button = find (g_ptr_array_index (groups, 0), GTK_TYPE_BUTTON, "Renew…");
  g_assert_nonnull (renew_button);

  /* The reader scrolls down to the bottom. */
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (find (page, GTK_TYPE_SCROLLED_WINDOW, NULL)));
  g_test_message ("page %.0f of %.0f", gtk_adjustment_get_page_size (adj), gtk_adjustment_get_upper (adj));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj) + 100);
  scrolled_to = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  gtk_adjustment_set_value (adj, scrolled_to);
  wait_frames (2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, scrolled_to);

  /* A refresh checks the tokens with the vendor: the verdict is shown in
   * the same row, on the same page, where the reader left it. */
  pv_application_refresh (app);
  g_assert_true (spin_until (checked_cb, checked, 20));
  g_test_message ("checked: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (checked)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (checked)), "just now"));
  wait_frames (3);
  g_assert_true (find (GTK_WIDGET (window), PV_TYPE_APP_PAGE, NULL) == page);
  assert_same_widgets (page, groups, rows);
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adj) - scrolled_to), <, 1);

  /* A new users token pasted, as Renew… keeps it: the app's entry is the
   * same, its page too; the "New token" row appears and Renew… becomes
   * Continue…, in place. */
  renewed = issue_kind_token (url, key, "users", &renewed_url, &renewed_id, NULL);
  {
    g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (tenants);
    PvTrackedApp *grown;

    pv_tracked_app_paste_async (apps_file, "pageapp", "users", renewed, 0, 4102444800, NULL, result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    grown = pv_tracked_app_paste_finish (result, &pasted, &error);
    g_assert_no_error (error);
    pv_tenant_list_add_tracked_app (tenants, grown, NULL, NULL);
  }
  g_assert_true (spin_until (pending_shown_cb, g_ptr_array_index (groups, 0), 20));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (renew_button)), ==, "_Continue…");
  g_assert_true (pv_tenant_list_lookup (tenants, "pageapp") == tracked);
  wait_frames (3);
  g_assert_cmpstr (pv_window_get_page (window), ==, "tenant");
  g_assert_true (find (GTK_WIDGET (window), PV_TYPE_APP_PAGE, NULL) == page);
  assert_same_widgets (page, groups, rows);
  g_test_message ("scrolled to %.0f, now at %.0f", scrolled_to, gtk_adjustment_get_value (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adj) - scrolled_to), <, 1);
  /* The token in use is still the old one: its verdict stays. */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (checked)),
                                   "The vendor accepts the token"));

  /* The identity provider provisions with the new token, which the vendor
   * has revoked since: recorded (renewal step 5, issue #15), the old
   * token's "accepts" is not shown as the new one's, and the refresh the
   * app starts on a record asks the vendor about the new token at once,
   * not a quarter of an hour after the old one's check. */
  revoke_kind_token (url, key, "users", renewed_id);
  {
    g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (tenants);
    PvTrackedApp *recorded;

    g_clear_object (&result);
    pv_tracked_app_handed_over_async (apps_file, "pageapp", "users", NULL, result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    recorded = pv_tracked_app_handed_over_finish (result, &error);
    g_assert_no_error (error);
    pv_tenant_list_add_tracked_app (tenants, recorded, NULL, NULL);
  }
  g_assert_true (spin_until (not_checked_cb, checked, 5));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (renew_button)), ==, "_Renew…");
  pv_application_refresh (app);
  g_assert_true (spin_until (refused_cb, checked, 20));
  g_test_message ("checked: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (checked)));
  g_assert_true (find (GTK_WIDGET (window), PV_TYPE_APP_PAGE, NULL) == page);

  /* Forgotten, for the tests after: nothing tracked */
  forget (window, tenants, tracked);
  g_assert_null (pv_tenant_list_lookup (tenants, "pageapp"));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

/* An app whose Persons token expires in five days and whose Users token
 * has a year left: its page shows Persons first, with the only prominent
 * Renew button (issue #20: what needs action first). */
static void
test_app_page_most_pressing_first (void)
{
  PvTenantList *tenants = pv_application_get_tenants (app);
  PvWindow *window = PV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (tenants);
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  /* Timly's tokens live a year from the day they were made: the dates only */
  const struct { const char *kind; gint64 issued_at; } connections[] = {
    { "users", now - 24 * 3600 },
    { "persons", now - 360 * 24 * 3600 },
  };
  PvTenantInfo *tracked;
  GtkWidget *page;

  for (guint i = 0; i < G_N_ELEMENTS (connections); i++)
    {
      PvTrackRequest request = { "orderapp", NULL, "timly", connections[i].kind,
                                 "https://api.timly.example/scim/v2", NULL, connections[i].issued_at, 0 };
      PvTrackedApp *added;

      g_clear_object (&result);
      pv_tracked_app_track_async (apps_file, &request, NULL, result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      added = pv_tracked_app_track_finish (result, &error);
      g_assert_no_error (error);
      pv_tenant_list_add_tracked_app (tenants, added, NULL, NULL);
    }
  tracked = pv_tenant_list_lookup (tenants, "orderapp");
  g_assert_nonnull (tracked);

  g_assert_true (pv_window_show_tenant (window, "orderapp"));
  page = GTK_WIDGET (find (GTK_WIDGET (window), PV_TYPE_APP_PAGE, NULL));
  g_assert_nonnull (page);
  wait_frames (2);
  collect (page, PV_TYPE_APP_CONNECTION_GROUP, groups);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (pv_app_connection_group_get_kind (g_ptr_array_index (groups, 0)), ==, "persons");
  g_assert_cmpstr (pv_app_connection_group_get_kind (g_ptr_array_index (groups, 1)), ==, "users");
  g_assert_true (gtk_widget_has_css_class (find (g_ptr_array_index (groups, 0), GTK_TYPE_BUTTON, "Renew…"),
                                           "suggested-action"));
  g_assert_false (gtk_widget_has_css_class (find (g_ptr_array_index (groups, 1), GTK_TYPE_BUTTON, "Renew…"),
                                            "suggested-action"));

  /* Forgotten, for the tests after */
  forget (window, tenants, tracked);
}

/* A reminder of a SAML app's certificate, clicked (app.show-tenant with the
 * certificate's id, as pv_reminders_send() sets it): the Entra steps. */
static void
test_saml_reminder_clicked (void)
{
  GtkWindow *steps;

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-tenant",
                                  g_variant_new_string ("entra-saml-" SAML_APP_ID));
  steps = wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (shows_text (GTK_WIDGET (steps), "Renew the SAML Certificate of Wiki SSO"));
  g_assert_true (shows_text (GTK_WIDGET (steps), "Make the new certificate active"));
  gtk_window_destroy (steps);
}

/* Keyboard Shortcuts (Ctrl+?), made when asked for: no toplevel is hidden
 * and never shown before, which GTK 4.8's AT-SPI root could answer with a
 * path it does not have (the app crashed under an accessibility client). */
static void
test_shortcuts_window (void)
{
  GtkWindow *main_window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *shortcuts;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      g_assert_true (gtk_widget_get_visible (toplevel));
    }
  gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-shortcuts", NULL);
  shortcuts = wait_for_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == main_window);
  g_assert_true (shows_text (GTK_WIDGET (shortcuts), "Refresh every tenant"));
  gtk_window_close (shortcuts);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5));
}

/* pv_set_tooltip(): the text when the pointer rests on the widget, and as
 * its accessible description; none when the text is empty, and a text set
 * after none shows too. */
static gboolean
tooltip_shown (GtkWidget *widget)
{
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_signal_emit_by_name (widget, "query-tooltip", 2, 2, FALSE, tooltip, &shown);
  return shown;
}

static void
test_lazy_tooltip (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("Acme"));

  pv_set_tooltip (label, NULL);
  g_assert_false (gtk_widget_get_has_tooltip (label));
  pv_set_tooltip (label, "Expired");
  g_assert_true (gtk_widget_get_has_tooltip (label));
  g_assert_true (tooltip_shown (label));
  pv_set_tooltip (label, "");
  g_assert_false (gtk_widget_get_has_tooltip (label));
  g_assert_false (tooltip_shown (label));
  g_object_unref (label);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  workdir = app_test_init (&argc, &argv, "provisio-test-app-windows");
  /* Before the app starts: the SAML certificates of an earlier Import from
   * Entra, which it takes up at start (the calendar export shows one). */
  keep_saml_certificate ();

  app = pv_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (spin_until (app_window_mapped_cb, app, 20));

  g_test_add_func ("/app-windows/shortcuts", test_shortcuts_window);
  g_test_add_func ("/app-windows/lazy-tooltip", test_lazy_tooltip);
  g_test_add_func ("/app-windows/preferences/thresholds", test_thresholds);
  g_test_add_func ("/app-windows/preferences/spin-settings", test_spin_settings);
  g_test_add_func ("/app-windows/renew/clipboard-cleared", test_clipboard_cleared);
  g_test_add_func ("/app-windows/test-connection/verdicts", test_test_connection);
  g_test_add_func ("/app-windows/calendar/export", test_calendar_export);
  g_test_add_func ("/app-windows/saml/reminder-clicked", test_saml_reminder_clicked);
  g_test_add_func ("/app-windows/tenant-page/kept-after-issue", test_tenant_page_kept);
  g_test_add_func ("/app-windows/app-page/kept-after-check-and-paste", test_app_page_kept);
  g_test_add_func ("/app-windows/app-page/most-pressing-first", test_app_page_most_pressing_first);
  status = g_test_run ();

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  {
    const char *argv_rm[] = { "rm", "-rf", workdir, NULL };

    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (workdir);
  return status;
}
