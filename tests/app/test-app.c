/* test-app.c: the desktop app under Xvfb, with a real provisiod, a real
 * gnome-keyring on a private bus and the real GTK, driven as a user would
 * through its widgets
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>

#include "pv-add-app-window.h"
#include "pv-application.h"
#include "pv-connect-window.h"
#include "pv-connection-info.h"
#include "pv-dashboard.h"
#include "pv-entra-session.h"
#include "pv-entra-ui.h"
#include "pv-paste-renew-window.h"
#include "pv-renew-window.h"
#include "pv-tenant-list.h"
#include "pv-tenant-row.h"
#include "pv-timeline.h"
#include "pv-tokens.h"
#include "pv-tracked-add.h"
#include "pv-widgets.h"
#include "pv-window.h"

#include "app-test-util.h"

static PvApplication *app;
static PvWindow *window;
static GSubprocess *server;
static char *server_url;
static char *admin_key;
static char *revoked_key;
static char *workdir;
static GSubprocess *fake_entra;
static char *fake_entra_url;

/* Screenshots, kept as test artifacts */

/* Whether a page is still fading into another (GtkStack's crossfade): a
 * screenshot then shows both. */
static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
no_transition_cb (gpointer widget)
{
  return !transition_running (widget);
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("PV_SCREENSHOT_DIR");
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  spin_for (300);
  g_assert_true (spin_until (no_transition_cb, widget, 10));
  /* Made now: a widget's paintable keeps the image of a crossfade that
   * was running when it was made. */
  paintable = gtk_widget_paintable_new (widget);
  g_assert_cmpint (width, >=, 800);
  g_assert_cmpint (height, >=, 600);
  /* A widget waiting for its new size draws nothing until it has it: a
   * refresh may have changed the page a moment ago. */
  for (guint tries = 0; node == NULL && tries < 20; tries++)
    {
      if (tries > 0)
        {
          snapshot = gtk_snapshot_new ();
          spin_for (100);
        }
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);

  /* Not blank: a real view has many colours. */
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  for (int i = 0; i < width * height; i += 7)
    g_hash_table_add (colours, GUINT_TO_POINTER (((guint32 *) pixels)[i]));
  g_assert_cmpuint (g_hash_table_size (colours), >, 50);

  if (dir != NULL)
    {
      g_mkdir_with_parents (dir, 0755);
      path = g_strdup_printf ("%s/%s.png", dir, name);
      g_assert_true (gdk_texture_save_to_png (texture, path));
    }
}

/* A real provisiod on loopback, with one tenant */

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

/* A second admin key of the tenant, revoked at once: well-formed, refused. */
static char *
issue_and_revoke_key (const char *provisiod,
                      const char *db)
{
  const char *issue[] = { provisiod, "--db", db, "key", "issue", "acme", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) words = NULL;
  char *key;

  g_assert_true (g_spawn_sync (NULL, (char **) issue, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  /* "Admin API key KEY-ID for …" */
  words = g_strsplit (lines[0], " ", -1);
  key = g_strdup (lines[1]);
  {
    const char *revoke[] = { provisiod, "--db", db, "key", "revoke", "acme", words[3], NULL };
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) revoke, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                                 &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  return key;
}

static void
start_server (void)
{
  g_autofree char *db = g_build_filename (workdir, "tenant.db", NULL);
  const char *provisiod = g_getenv ("PROVISIOD");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) create = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;

  if (admin_key == NULL)
    {
      create = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, provisiod, "--db", db,
                                 "tenant", "create", "acme", "--name", "Acme Corp", "--owner", "it@acme.example", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (create, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (g_strstrip (out), "\n", -1);
      admin_key = g_strdup (lines[g_strv_length (lines) - 1]);
      g_assert_true (g_str_has_prefix (admin_key, "pva_"));
      revoked_key = issue_and_revoke_key (provisiod, db);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* The server goes with this test, even when it aborts. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, provisiod, "--db", db, "--test-clock", "--listen",
                                        server_url ? server_url + strlen ("http://") : "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "provisiod: listening on "));
  if (server_url == NULL)
    server_url = g_strdup (line + strlen ("provisiod: listening on "));
}

static void
stop_server (void)
{
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
}

/* The tests.  /app/first-run and /app/connect start the app as new; every
 * later one starts from known_state(), run in order or alone (-p). */

static gboolean
page_is_cb (gpointer data)
{
  return g_strcmp0 (pv_window_get_page (window), data) == 0;
}

/* Waiting for what must happen before a check that something did not:
 * no fixed sleep, the event itself. */

static gboolean
not_refreshing_cb (gpointer data)
{
  return !pv_tenant_list_get_refreshing (pv_application_get_tenants (app));
}

/* One refresh of every tenant, from its start to its end, not one already
 * under way: what the tenants say now is in. */
static void
refresh_done (void)
{
  g_assert_true (spin_until (not_refreshing_cb, NULL, 20));
  pv_application_refresh (app);
  g_assert_false (not_refreshing_cb (NULL));
  g_assert_true (spin_until (not_refreshing_cb, NULL, 20));
}

typedef struct {
  gboolean done;
  guint    n_sent;
} Reminded;

static void
reminded_cb (PvApplication *application,
             guint          n_sent,
             Reminded      *reminded)
{
  reminded->done = TRUE;
  reminded->n_sent = n_sent;
}

static gboolean
reminded_done_cb (gpointer data)
{
  return ((Reminded *) data)->done;
}

/* A refresh and the reminder pass after it, to its end; returns how many
 * notifications that pass sent. */
static guint
refresh_and_remind (void)
{
  Reminded reminded = { FALSE, 0 };
  gulong handler = g_signal_connect (app, "reminded", G_CALLBACK (reminded_cb), &reminded);

  g_assert_true (spin_until (not_refreshing_cb, NULL, 20));
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (spin_until (reminded_done_cb, &reminded, 20));
  g_signal_handler_disconnect (app, handler);
  return reminded.n_sent;
}

/* Where every test after /app/connect starts, alone or after the others:
 * no window but the main one, the tenant "acme" connected (added through
 * the core as Connect adds it, when a test runs alone), what the tenant
 * says now read in and reminded of, the overview shown. */
static void
known_state (void)
{
  PvTenantList *tenants = pv_application_get_tenants (app);

  close_windows_but (GTK_WINDOW (window));
  if (pv_tenant_list_lookup (tenants, "acme") == NULL)
    add_tenant (tenants, "acme", server_url, admin_key);
  /* A refresh and its reminder pass, over: none is left to end later */
  refresh_and_remind ();
  pv_window_show_overview (window);
  g_assert_true (spin_until (page_is_cb, (gpointer) "overview", 10));
}

static void
test_first_run (void)
{
  g_assert_true (spin_until (page_is_cb, (gpointer) "welcome", 20));
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Connect a Tenant"));
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Try the Demo"));
  screenshot (GTK_WIDGET (window), "welcome");
}

static GtkWidget *
find_add_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_MENU_BUTTON (child) && gtk_widget_is_drawable (child) &&
          g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (child)), "list-add-symbolic") == 0)
        return child;
      if ((found = find_add_button (child)))
        return found;
    }
  return NULL;
}

static gboolean
mapped_cb (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Chooses @label in the open menu of @button, as a click does */
static void
choose (GtkWidget  *button,
        const char *label)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  GtkWidget *item;

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (spin_until (mapped_cb, popover, 10));
  wait_for_text (popover, label);
  item = find (popover, GTK_TYPE_LABEL, label);
  while (item != NULL && !g_str_equal (G_OBJECT_TYPE_NAME (item), "GtkModelButton"))
    item = gtk_widget_get_parent (item);
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
}

/* The sidebar's "+" offers both ways in: connect a tenant, add an app. */
static void
test_add_menu (void)
{
  GtkWidget *add = find_add_button (GTK_WIDGET (window));
  GtkWindow *dialog;

  g_assert_nonnull (add);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add), ==, "Connect a Tenant or Add an App");
  choose (add, "Add an App…");
  dialog = wait_for_window (PV_TYPE_ADD_APP_WINDOW);
  gtk_window_close (dialog);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_ADD_APP_WINDOW), 10));
  choose (add, "Connect a Tenant…");
  dialog = wait_for_window (PV_TYPE_CONNECT_WINDOW);
  gtk_window_close (dialog);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_CONNECT_WINDOW), 10));
}

static void
test_connect (void)
{
  GtkWindow *dialog;
  g_autofree char *tenants_file = NULL;
  g_autofree char *contents = NULL;

  /* A wrong key: said in words, nothing kept. */
  click (GTK_WIDGET (window), "Connect a Tenant");
  dialog = wait_for_window (PV_TYPE_CONNECT_WINDOW);
  set_row_text (GTK_WIDGET (dialog), "Name", "acme");
  set_row_text (GTK_WIDGET (dialog), "Server address", server_url);
  set_row_text (GTK_WIDGET (dialog), "Admin API key", "pva_notakey");
  click (GTK_WIDGET (dialog), "Connect");
  wait_for_text (GTK_WIDGET (dialog), "not an admin API key");

  /* Well-formed, but revoked in the tenant */
  set_row_text (GTK_WIDGET (dialog), "Admin API key", revoked_key);
  click (GTK_WIDGET (dialog), "Connect");
  wait_for_text (GTK_WIDGET (dialog), "Check the admin API key");
  tenants_file = g_build_filename (workdir, "tenants.ini", NULL);
  g_assert_false (g_file_test (tenants_file, G_FILE_TEST_EXISTS));

  set_row_text (GTK_WIDGET (dialog), "Admin API key", admin_key);
  click (GTK_WIDGET (dialog), "Connect");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_CONNECT_WINDOW), 20));
  g_assert_true (spin_until (page_is_cb, (gpointer) "tenant", 20));
  wait_for_text (GTK_WIDGET (window), "User Provisioning");
  wait_for_text (GTK_WIDGET (window), "Person Provisioning");

  /* The profile keeps no secret; the keyring has the key. */
  g_assert_true (g_file_get_contents (tenants_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "acme"));
  g_assert_null (strstr (contents, admin_key));
  {
    const char *argv[] = { "secret-tool", "lookup", "tenant", "acme", "kind", "admin-key", NULL };
    g_autofree char *found = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &found, NULL, NULL, NULL));
    g_assert_cmpstr (g_strstrip (found), ==, admin_key);
  }
}

/* A tenant server with a self-signed certificate: refused as not trusted,
 * then connected with its certificate pinned (what the file chooser of
 * the Pinned certificate row calls). */

static char *
run_out (const char *const *argv)
{
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(gboolean *) user_data = pv_tenant_list_remove_finish (PV_TENANT_LIST (source), result, NULL);
}

/* Add an App: provisiod's own SCIM endpoint of a second tenant is the
 * vendor ("Other SCIM app"), its token issued through the management API.
 * A non-HTTPS address is refused, nothing kept; the real one is tried,
 * kept in the keyring and shown after the tenants. */
static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *vendor_key;

static PvIssuedToken *vendor_issue (const char *kind);

static char *
vendor_token (const char *kind)
{
  g_autoptr(PvIssuedToken) issued = vendor_issue (kind);

  return g_strdup (issued->secret);
}

/* The vendor's console revokes one of its tokens */
static void
vendor_revoke (const char *kind,
               const char *token_id)
{
  g_autoptr(PvClient) client = pv_client_new (server_url, vendor_key);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pv_tokens_revoke_async (client, kind, token_id, TRUE, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tokens_revoke_finish (result, &error));
  g_assert_no_error (error);
}

static PvIssuedToken *
vendor_issue (const char *kind)
{
  g_autofree char *db = g_build_filename (workdir, "tenant.db", NULL);
  const char *create[] = { g_getenv ("PROVISIOD"), "--db", db, "tenant", "create", "vendor", "--name", "Vendor",
                           NULL };
  g_autofree char *out = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvIssuedToken) issued = NULL;
  g_auto(GStrv) lines = NULL;

  if (vendor_key == NULL)
    {
      g_assert_true (g_spawn_sync (NULL, (char **) create, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL,
                                   NULL));
      lines = g_strsplit (g_strstrip (out), "\n", -1);
      vendor_key = g_strdup (lines[g_strv_length (lines) - 1]);
    }
  client = pv_client_new (server_url, vendor_key);
  pv_tokens_issue_async (client, kind, "on-first-use", "Tracked by Provisio", NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  issued = pv_tokens_issue_finish (result, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&issued);
}

static char *
app_token (const char *kind)
{
  const char *argv[] = { "secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", kind, NULL };
  char *found = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &found, NULL, NULL, NULL));
  return g_strstrip (found);
}

static void
test_add_app (void)
{
  g_autofree char *token = vendor_token ("users");
  g_autofree char *url = g_strdup_printf ("%s/t/vendor/scim/users/v2", server_url);
  g_autofree char *apps_file = g_build_filename (workdir, "apps.ini", NULL);
  g_autofree char *contents = NULL;
  PvTenantList *tenants = pv_application_get_tenants (app);
  GtkWindow *dialog;
  GtkWidget *vendor_row;
  PvTenantInfo *tracked;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-app", NULL);
  dialog = wait_for_window (PV_TYPE_ADD_APP_WINDOW);
  vendor_row = find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "App");
  g_assert_nonnull (vendor_row);
  /* Timeneye's one URL is filled in */
  adw_combo_row_set_selected (ADW_COMBO_ROW (vendor_row), 3);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW,
                                                               "SCIM base URL"))),
                   ==, "https://api.timeneye.com/scim/v2");
  /* "Other SCIM app", last */
  adw_combo_row_set_selected (ADW_COMBO_ROW (vendor_row),
                              g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (vendor_row))) - 1);
  set_row_text (GTK_WIDGET (dialog), "Name", "vendorapp");
  set_row_text (GTK_WIDGET (dialog), "SCIM base URL", "http://vendor.example/scim/v2");
  set_row_text (GTK_WIDGET (dialog), "Token", token);
  set_row_text (GTK_WIDGET (dialog), "Expires on", "2099-01-31");
  click (GTK_WIDGET (dialog), "Add");
  wait_for_text (GTK_WIDGET (dialog), "not HTTPS");
  g_assert_false (g_file_test (apps_file, G_FILE_TEST_EXISTS));

  set_row_text (GTK_WIDGET (dialog), "SCIM base URL", url);
  click (GTK_WIDGET (dialog), "Add");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_ADD_APP_WINDOW), 20));
  tracked = pv_tenant_list_lookup (tenants, "vendorapp");
  g_assert_nonnull (tracked);
  g_assert_nonnull (pv_tenant_list_get_tracked_app (tenants, tracked));
  g_assert_cmpstr (pv_tenant_info_get_name (tracked), ==, "Other SCIM app");
  wait_for_text (GTK_WIDGET (window), "Other SCIM app");
  /* Its page: the vendor, the expiry and where it comes from */
  g_assert_true (pv_window_show_tenant (window, "vendorapp"));
  wait_for_text (GTK_WIDGET (window), "Tracked App");
  wait_for_text (GTK_WIDGET (window), "as entered");

  g_assert_true (g_file_get_contents (apps_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "users-expiry-source=entered"));
  g_assert_null (strstr (contents, token));
  {
    const char *argv[] = { "secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", "app-token", NULL };
    g_autofree char *found = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &found, NULL, NULL,
                                 NULL));
    g_assert_cmpstr (g_strstrip (found), ==, token);
  }

  /* Renewing, paste once: a token the vendor refuses goes no further; an
   * accepted one waits in the keyring until the identity provider has it. */
  {
    g_autofree char *renewed = vendor_token ("users");
    g_autofree char *pending = NULL;
    g_autofree char *current = NULL;
    GtkWindow *renew;

    click (GTK_WIDGET (window), "Renew…");
    renew = wait_for_window (PV_TYPE_PASTE_RENEW_WINDOW);
    set_row_text (GTK_WIDGET (renew), "New token", "pvs_QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ");
    set_row_text (GTK_WIDGET (renew), "Expires on", "2099-06-30");
    click (GTK_WIDGET (renew), "Check and Keep");
    wait_for_text (GTK_WIDGET (renew), "refuses the token");
    pending = app_token ("app-token-pending");
    g_assert_cmpstr (pending, ==, "");
    g_clear_pointer (&pending, g_free);

    set_row_text (GTK_WIDGET (renew), "New token", renewed);
    click (GTK_WIDGET (renew), "Check and Keep");
    wait_for_text (GTK_WIDGET (renew), "closing this window loses nothing");
    /* Without Graph, the admin's word: what to verify first */
    wait_for_text (GTK_WIDGET (renew), "a cycle since you pasted it that succeeded");
    pending = app_token ("app-token-pending");
    g_assert_cmpstr (pending, ==, renewed);
    current = app_token ("app-token");
    g_assert_cmpstr (current, ==, token);
    g_clear_pointer (&current, g_free);

    click (GTK_WIDGET (renew), "The Identity Provider Has It");
    wait_for_text (GTK_WIDGET (renew), "Done.");
    current = app_token ("app-token");
    g_assert_cmpstr (current, ==, renewed);
    g_clear_pointer (&pending, g_free);
    pending = app_token ("app-token-pending");
    g_assert_cmpstr (pending, ==, "");
    gtk_window_close (renew);
  }

  /* Untracked again, so that the tests after see acme alone */
  {
    const char *argv[] = { "secret-tool", "clear", "tenant", "app:vendorapp/users", "kind", "app-token", NULL };
    g_autoptr(GAsyncResult) loaded = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                                 NULL));
    g_assert_cmpint (g_unlink (apps_file), ==, 0);
    pv_window_show_overview (window);
    pv_tenant_list_load_async (tenants, NULL, result_cb, &loaded);
    while (loaded == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (pv_tenant_list_load_finish (tenants, loaded, NULL));
    g_assert_null (pv_tenant_list_lookup (tenants, "vendorapp"));
  }
}

static gboolean
flag_set_cb (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_connect_pinned (void)
{
  g_autofree char *dir = g_build_filename (workdir, "tls", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *db = g_build_filename (dir, "secure.db", NULL);
  const char *provisiod = g_getenv ("PROVISIOD");
  const char *req[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-subj", "/CN=localhost", "-days", "2", "-keyout", key, "-out", cert, NULL };
  const char *create[] = { provisiod, "--db", db, "tenant", "create", "secure", "--name", "Secure Ltd",
                           "--owner", "it@secure.example", NULL };
  const char *fp[] = { "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert, NULL };
  g_autofree char *out = NULL;
  g_autofree char *fingerprint_line = NULL;
  g_autofree char *secure_key = NULL;
  g_autofree char *url = NULL;
  g_autofree char *line = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *tenants_file = g_build_filename (workdir, "tenants.ini", NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) secure = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GFile) cert_file = g_file_new_for_path (cert);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  const char *fingerprint;
  gboolean removed = FALSE;

  g_mkdir_with_parents (dir, 0700);
  g_free (run_out (req));
  out = run_out (create);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  secure_key = g_strdup (lines[g_strv_length (lines) - 1]);
  fingerprint_line = g_strstrip (run_out (fp));
  fingerprint = strchr (fingerprint_line, '=') + 1;   /* "sha256 Fingerprint=AB:…" */

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  secure = g_subprocess_launcher_spawn (launcher, &error, provisiod, "--db", db, "--listen", "127.0.0.1:0",
                                        "--tls-certificate", cert, "--tls-key", key, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (secure));
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "provisiod: listening on https://"));
  url = g_strdup (line + strlen ("provisiod: listening on "));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL);
  dialog = wait_for_window (PV_TYPE_CONNECT_WINDOW);
  set_row_text (GTK_WIDGET (dialog), "Name", "secure");
  set_row_text (GTK_WIDGET (dialog), "Server address", url);
  set_row_text (GTK_WIDGET (dialog), "Admin API key", secure_key);
  g_assert_true (shows_text (GTK_WIDGET (dialog), "the computer's certificate authorities decide"));
  click (GTK_WIDGET (dialog), "Connect");
  wait_for_text (GTK_WIDGET (dialog), "not trusted");

  pv_connect_window_pin_file (PV_CONNECT_WINDOW (dialog), cert_file);
  wait_for_text (GTK_WIDGET (dialog), fingerprint);
  click (GTK_WIDGET (dialog), "Connect");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_CONNECT_WINDOW), 20));
  wait_for_text (GTK_WIDGET (window), "Secure Ltd");
  g_assert_true (g_file_get_contents (tenants_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, fingerprint));
  g_assert_null (strstr (contents, secure_key));

  /* As the next tests expect: acme alone. */
  pv_tenant_list_remove_async (pv_application_get_tenants (app),
                               pv_tenant_list_lookup (pv_application_get_tenants (app), "secure"),
                               NULL, removed_cb, &removed);
  g_assert_true (spin_until (flag_set_cb, &removed, 20));
  g_subprocess_send_signal (secure, SIGTERM);
  g_subprocess_wait (secure, NULL, NULL);
}

static PvTenantInfo *
acme (void)
{
  return pv_tenant_list_lookup (pv_application_get_tenants (app), "acme");
}

static void
test_tenant_panels (void)
{
  known_state ();
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  g_assert_true (shows_text (GTK_WIDGET (window), "Single Sign-On"));
  g_assert_true (shows_text (GTK_WIDGET (window), "Management API"));
  g_assert_true (shows_text (GTK_WIDGET (window), "it@acme.example"));
  /* A new tenant's connections have no token yet: they are set up, not renewed. */
  g_assert_true (shows_text (GTK_WIDGET (window), "No token"));
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Set Up"));
  g_assert_null (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Renew…"));
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Test Connection"));
}

/* Renewing to the end: the new token's first use by the "identity
 * provider" (a SCIM request made here with the secret from the clipboard)
 * shows as a live event and ends the assistant. */

static int
scim_get (const char *base,
          const char *secret)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("user-agent", "Azure AD SCIM Test", NULL);
  g_autofree char *url = g_strconcat (base, "/Users?count=1", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strconcat ("Bearer ", secret, NULL);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

static guint api (const char *method, const char *path, const char *key, const char *body, JsonObject **answer);
static char *first_users_secret;

/* For a test run alone, as /app/setup leaves the connection of @kind:
 * provisioned by its identity provider (Users by Entra, Persons by Okta)
 * with a token it has used (issued through the API and used once, when
 * there is none). */
static void
ensure_in_use (const char *kind)
{
  PvConnectionInfo *connection = pv_tenant_info_get_connection (acme (), kind);
  g_autofree char *connection_path = g_strdup_printf ("/api/v1/provisioning/%s", kind);
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/tokens", kind);
  const char *provider = g_str_equal (kind, "users") ? "{\"identity_provider\": \"entra\"}"
                                                     : "{\"identity_provider\": \"okta\"}";
  g_autoptr(JsonObject) issued = NULL;

  g_assert_nonnull (connection);
  if (pv_connection_info_get_in_use_token_id (connection) != NULL)
    return;
  g_assert_cmpuint (api ("PATCH", connection_path, admin_key, provider, NULL), ==, 200);
  g_assert_cmpuint (api ("POST", path, admin_key, NULL, &issued), ==, 201);
  g_assert_cmpint (scim_get (json_object_get_string_member (issued, "scim_base_url"),
                             json_object_get_string_member (issued, "secret")), ==, 200);
  if (g_str_equal (kind, "users") && first_users_secret == NULL)
    first_users_secret = g_strdup (json_object_get_string_member (issued, "secret"));
  refresh_and_remind ();
  g_assert_nonnull (pv_connection_info_get_in_use_token_id (connection));
}

/* For a test run alone, as /app/renew leaves the connection of @kind: in
 * use, and a newer token that waits for its first use (the assistant
 * closed midway). */
static void
ensure_waiting (const char *kind)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/tokens", kind);
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(PvTokenInfo) newest = NULL;
  PvConnectionInfo *connection;

  ensure_in_use (kind);
  connection = pv_tenant_info_get_connection (acme (), kind);
  newest = g_list_model_get_item (pv_connection_info_get_tokens (connection), 0);
  if (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)) > 1 &&
      pv_token_info_get_last_used_at (newest) == 0)
    return;
  g_assert_cmpuint (api ("POST", path, admin_key, NULL, &issued), ==, 201);
  refresh_and_remind ();
  g_clear_object (&newest);
  newest = g_list_model_get_item (pv_connection_info_get_tokens (connection), 0);
  g_assert_cmpstr (pv_token_info_get_id (newest), ==,
                   json_object_get_string_member (json_object_get_object_member (issued, "token"), "id"));
}

/* A change as a saved identity provider makes in a cycle that changes
 * something: it creates a user, a new one each time.  Unlike a read (a
 * test), it starts the retirement of the token the new one replaces. */
static int
scim_provision (const char *base,
                const char *secret)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("user-agent", "Azure AD SCIM Provisioning", NULL);
  g_autofree char *url = g_strconcat (base, "/Users", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *auth = g_strconcat ("Bearer ", secret, NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *json = g_strdup_printf ("{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                                           " \"userName\": \"%s@acme.example\", \"active\": true}", uuid);
  g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/scim+json", request);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

/* The check buttons shown, or only those ticked */
static guint
count_checks (GtkWidget *root,
              gboolean   ticked)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_CHECK_BUTTON (c) && is_shown (c) &&
          (!ticked || gtk_check_button_get_active (GTK_CHECK_BUTTON (c))))
        n++;
      n += count_checks (c, ticked);
    }
  return n;
}

static guint
tick_all (GtkWidget *root)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_CHECK_BUTTON (c) && is_shown (c))
        {
          gtk_check_button_set_active (GTK_CHECK_BUTTON (c), TRUE);
          n++;
        }
      n += tick_all (c);
    }
  return n;
}

static void
renew (const char *kind_label,
       char      **secret_out,
       char      **url_out)
{
  GtkWindow *assistant;
  g_autofree char *secret = NULL;
  guint n_checks;
  g_autofree char *title = g_strdup_printf ("Renew %s Token", kind_label);

  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  {
    /* The panel's own Renew button: the first is the Users panel's. */
    GtkWidget *panel = find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP,
                             g_str_equal (kind_label, "Users") ? "User Provisioning" : "Person Provisioning");

    g_assert_nonnull (panel);
    click (panel, "Renew");
  }
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_cmpstr (gtk_window_get_title (assistant), ==, title);
  /* Which app, said before anything happens */
  g_assert_true (shows_text (GTK_WIDGET (assistant), kind_label));
  click (GTK_WIDGET (assistant), "Issue New Token");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  g_assert_false (gtk_widget_is_sensitive (find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Next")));
  click (GTK_WIDGET (assistant), "Copy Token");
  secret = read_clipboard (GTK_WIDGET (assistant));
  g_assert_true (g_str_has_prefix (secret, "pvs_"));
  g_assert_cmpuint (strlen (secret), ==, 53);
  wait_for_text (GTK_WIDGET (assistant), "clipboard is cleared in");
  click (GTK_WIDGET (assistant), "Next");
  g_assert_true (spin_until (step_is_cb, (gpointer) "steps", 5));

  /* Every step names the app; its tick is help to keep one's place, not a
   * gate: the main button works with none ticked. */
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Paste the new token into"));
  g_assert_true (gtk_widget_is_sensitive (find (GTK_WIDGET (assistant), GTK_TYPE_BUTTON, "Wait for the First Use")));
  n_checks = count_checks (GTK_WIDGET (assistant), FALSE);
  g_assert_cmpuint (n_checks, >=, 3);
  g_assert_cmpuint (count_checks (GTK_WIDGET (assistant), TRUE), ==, 0);
  click (GTK_WIDGET (assistant), "Wait for the First Use");
  g_assert_true (spin_until (step_is_cb, (gpointer) "waiting", 5));
  wait_for_text (GTK_WIDGET (assistant), "New token issued");
  g_assert_false (step_is_cb ((gpointer) "done"));

  *secret_out = g_steal_pointer (&secret);
  *url_out = NULL;
}

static char *
connection_url (const char *kind)
{
  PvConnectionInfo *connection = pv_tenant_info_get_connection (acme (), kind);

  g_assert_nonnull (connection);
  return g_strdup (pv_connection_info_get_scim_base_url (connection));
}

static gboolean
no_continue_cb (gpointer data)
{
  return find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Continue Setup") == NULL;
}

/* The Users token of the setup, which the renewal replaces */

/* The first setup: Users in Entra to the end; Persons in Okta, left after
 * the token was shown and resumed from the panel. */
static void
test_setup (void)
{
  GtkWindow *assistant;
  GtkWidget *panel;
  g_autofree char *users_secret = NULL;
  g_autofree char *persons_secret = NULL;
  g_autofree char *users_url = NULL;
  g_autofree char *persons_url = NULL;

  known_state ();
  users_url = connection_url ("users");
  persons_url = connection_url ("persons");
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  click (find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "User Provisioning"), "Set Up");
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_cmpstr (gtk_window_get_title (assistant), ==, "Set Up Users Provisioning");
  click (GTK_WIDGET (assistant), "Set Up in Microsoft Entra ID");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  click (GTK_WIDGET (assistant), "Copy Token");
  users_secret = read_clipboard (GTK_WIDGET (assistant));
  first_users_secret = g_strdup (users_secret);
  click (GTK_WIDGET (assistant), "Next");
  g_assert_true (spin_until (step_is_cb, (gpointer) "steps", 5));
  /* Entra's setup steps and the mappings, with the matching attribute */
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Create an enterprise application for Users"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Sync only assigned users and groups"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "userPrincipalName"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Matching attribute, precedence 1"));
  g_assert_cmpuint (tick_all (GTK_WIDGET (assistant)), ==, 7);
  click (GTK_WIDGET (assistant), "Wait for the First Use");
  g_assert_true (spin_until (step_is_cb, (gpointer) "waiting", 5));
  /* Meanwhile, how to check in Entra (its verify guide) */
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Meanwhile, Check in Microsoft Entra ID"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Read the provisioning logs"));
  g_assert_cmpint (scim_get (users_url, users_secret), ==, 200);
  g_assert_true (spin_until (step_is_cb, (gpointer) "done", 20));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Provisioning is set up"));
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));

  /* Persons in Okta: closed once the token is shown */
  wait_for_text (GTK_WIDGET (window), "In use");
  panel = find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "Person Provisioning");
  click (panel, "Set Up");
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  click (GTK_WIDGET (assistant), "Set Up in Okta");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  click (GTK_WIDGET (assistant), "Copy Token");
  persons_secret = read_clipboard (GTK_WIDGET (assistant));
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));

  /* Resumed from the panel, at the steps, without the secret */
  wait_for_text (GTK_WIDGET (window), "Continue Setup");
  click (find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "Person Provisioning"), "Continue Setup");
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_true (step_is_cb ((gpointer) "steps"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Paste the token into API Token"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "cannot be shown again"));
  tick_all (GTK_WIDGET (assistant));
  click (GTK_WIDGET (assistant), "Wait for the First Use");
  g_assert_true (spin_until (step_is_cb, (gpointer) "waiting", 5));
  g_assert_cmpint (scim_get (persons_url, persons_secret), ==, 200);
  g_assert_true (spin_until (step_is_cb, (gpointer) "done", 20));
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  /* Done: the panel renews from now on. */
  g_assert_true (spin_until (no_continue_cb, NULL, 20));
}

static void
test_renew (void)
{
  g_autofree char *secret = NULL;
  g_autofree char *url = NULL;
  g_autofree char *scim = NULL;
  GtkWindow *assistant;
  PvConnectionInfo *users;

  known_state ();
  ensure_in_use ("users");
  ensure_in_use ("persons");
  renew ("Users", &secret, &url);
  assistant = find_window (PV_TYPE_RENEW_WINDOW);

  /* The identity provider's first request with the new token */
  users = g_list_model_get_item (pv_tenant_info_get_connections (acme ()), 0);
  scim = g_strdup (pv_connection_info_get_scim_base_url (users));
  g_object_unref (users);
  g_assert_cmpint (scim_get (scim, secret), ==, 200);
  /* Seen live, with who used it */
  g_assert_true (spin_until (step_is_cb, (gpointer) "done", 20));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Uses the New Token"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Azure AD SCIM Test"));
  /* Live, which token the identity provider used last: the new one, read
   * only (a test: the old one stays); then the old one again (tested, not
   * saved), which keeps working; then a change with the new one (saved),
   * which starts the old one's retirement. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  wait_for_text (GTK_WIDGET (assistant), "Microsoft Entra ID tested the new token; the old one stays until "
                                         "Microsoft Entra ID provisions with the new one");
  g_assert_nonnull (first_users_secret);
  g_assert_cmpint (scim_get (scim, first_users_secret), ==, 200);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  wait_for_text (GTK_WIDGET (assistant), "Microsoft Entra ID tested the new token but still provisions with the "
                                         "old one: save it in Microsoft Entra ID");
  g_assert_cmpint (scim_get (scim, secret), ==, 200);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  wait_for_text (GTK_WIDGET (assistant), "Microsoft Entra ID tested the new token; the old one stays until "
                                         "Microsoft Entra ID provisions with the new one");
  g_assert_cmpint (scim_provision (scim, secret), ==, 201);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  wait_for_text (GTK_WIDGET (assistant), "Microsoft Entra ID provisions with the new token");
  screenshot (GTK_WIDGET (window), "tenant-after-renew");
  click (GTK_WIDGET (assistant), "Close");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));

  /* The panel: the token in use */
  wait_for_text (GTK_WIDGET (window), "In use");

  /* Closing midway loses nothing: the Persons token is issued, the window
   * closed before the IdP used it; the panel says it waits. */
  {
    g_autofree char *secret2 = NULL;
    g_autofree char *url2 = NULL;

    renew ("Persons", &secret2, &url2);
    gtk_window_close (find_window (PV_TYPE_RENEW_WINDOW));
    g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
    wait_for_text (GTK_WIDGET (window), "waiting for the identity provider's first use");
  }
}

/* The Entra step through Microsoft Graph, against the local stand-in for
 * Microsoft's sign-in and Graph (tests/server/fake_entra.py). */

static void
start_fake_entra (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "provisio", NULL);
  g_autofree char *ini = g_build_filename (dir, "entra.ini", NULL);
  g_autofree char *config = NULL;

  fake_entra = fake_entra_start (NULL, NULL, &fake_entra_url);
  /* Where the app signs in: the stand-in, as a custom cloud. */
  config = g_strdup_printf ("[entra]\ncloud=custom\nlogin-url=%s\ngraph-url=%s\ndirectory=contoso.example\n",
                            fake_entra_url, fake_entra_url);
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (ini, config, -1, NULL));
}

static JsonObject *
fake_control (const char *what,
              const char *body)
{
  return fake_entra_control (fake_entra_url, what, body);
}

static gboolean
signed_in_cb (gpointer data)
{
  return pv_entra_session_get_signed_in (pv_application_get_entra (app));
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* As an admin would before renewing: revoke the tokens the identity
 * provider no longer uses (the old one retires after a grace period). */
static void
revoke_unused (const char *kind)
{
  PvClient *client = pv_tenant_list_get_client (pv_application_get_tenants (app), acme ());
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s", kind);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) connection = NULL;
  JsonArray *tokens;
  const char *in_use;

  pv_client_request_async (client, "GET", path, NULL, NULL, request_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  connection = pv_client_request_finish (client, result, NULL);
  g_assert_nonnull (connection);
  in_use = json_object_get_string_member (connection, "last_request_token_id");
  tokens = json_object_get_array_member (connection, "tokens");
  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (tokens, i), "id");
      g_autofree char *token_path = g_strdup_printf ("%s/tokens/%s", path, id);
      g_autoptr(GAsyncResult) revoked = NULL;
      g_autoptr(JsonObject) answer = NULL;

      if (g_strcmp0 (id, in_use) == 0)
        continue;
      pv_client_request_async (client, "DELETE", token_path, NULL, NULL, request_done_cb, &revoked);
      while (revoked == NULL)
        g_main_context_iteration (NULL, TRUE);
      answer = pv_client_request_finish (client, revoked, NULL);
      g_assert_nonnull (answer);
    }
}

static void
issue_in_assistant (const char *panel_title,
                    char      **secret)
{
  GtkWindow *assistant;

  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  click (find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, panel_title), "Renew");
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  wait_for_button (GTK_WIDGET (assistant), "Issue New Token");
  click (GTK_WIDGET (assistant), "Issue New Token");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  click (GTK_WIDGET (assistant), "Copy Token");
  *secret = read_clipboard (GTK_WIDGET (assistant));
  click (GTK_WIDGET (assistant), "Next");
  g_assert_true (spin_until (step_is_cb, (gpointer) "steps", 5));
}

/* Renews the Users token with the hand-over while the stand-in is @set so;
 * returns the assistant once it says Entra was not updated. */
static GtkWindow *
hand_over_refused (const char  *set,
                   char       **secret)
{
  GtkWindow *assistant;

  json_object_unref (fake_control ("set", set));
  revoke_unused ("users");
  issue_in_assistant ("User Provisioning", secret);
  assistant = find_window (PV_TYPE_RENEW_WINDOW);
  click (GTK_WIDGET (assistant), "Update “Acme Users” for Me");
  wait_for_text (GTK_WIDGET (assistant), "Entra was not updated");
  return assistant;
}

static void
close_refused (GtkWindow  *assistant,
               const char *reset)
{
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  json_object_unref (fake_control ("set", reset));
}

static gboolean
lapse_known_cb (gpointer data)
{
  return pv_entra_session_get_lapses_at (pv_application_get_entra (app)) > 0;
}

/* Signs in from the preferences: the code shown, the stand-in approves. */
static void
sign_in_from_preferences (void)
{
  GtkWindow *prefs, *sign_in;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  wait_for_text (GTK_WIDGET (prefs), "Not signed in");
  click (GTK_WIDGET (prefs), "Sign In");
  g_assert_true (spin_until (titled_shown_cb, (gpointer) "Sign In to Microsoft Entra", 10));
  sign_in = find_window_titled ("Sign In to Microsoft Entra");
  wait_for_text (GTK_WIDGET (sign_in), "enter this code");
  g_assert_true (shows_text (GTK_WIDGET (sign_in), "https://microsoft.com/devicelogin"));
  json_object_unref (fake_control ("approve", "{}"));
  g_assert_true (spin_until (signed_in_cb, NULL, 20));
  g_assert_true (spin_until (titled_gone_cb, (gpointer) "Sign In to Microsoft Entra", 10));
  wait_for_text (GTK_WIDGET (prefs), "Signed in as admin@contoso.example");
  gtk_window_close (prefs);
}

static void
test_entra (void)
{
  GtkWindow *sign_in, *link, *assistant;
  g_autofree char *secret = NULL;
  g_autofree char *failed_secret = NULL;
  g_autofree char *rights_secret = NULL;
  g_autofree char *validate_secret = NULL;
  g_autofree char *restart_secret = NULL;
  g_autofree char *users_url = NULL;
  g_autofree char *persons_url = NULL;
  g_autofree char *apps = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *digest = NULL;
  guint n_actions = 0;

  known_state ();
  ensure_in_use ("users");
  users_url = connection_url ("users");
  persons_url = connection_url ("persons");
  apps = g_strdup_printf ("{\"id\": \"11111111-aaaa\", \"displayName\": \"Acme Users\", \"base_address\": \"%s\"}",
                          users_url);
  json_object_unref (fake_control ("app", apps));
  g_free (apps);
  apps = g_strdup_printf ("{\"id\": \"22222222-bbbb\", \"displayName\": \"Acme Persons\", \"base_address\": \"%s\"}",
                          persons_url);
  json_object_unref (fake_control ("app", apps));

  /* Sign in from the preferences with the code shown */
  sign_in_from_preferences ();
  /* When the sign-in lapses unless used: 90 days from this use, shown under the account */
  g_assert_true (spin_until (lapse_known_cb, NULL, 10));
  {
    gint64 lapse = pv_entra_session_get_lapses_at (pv_application_get_entra (app));
    gint64 expected = g_get_real_time () / G_USEC_PER_SEC + 90 * 86400;
    GtkWindow *prefs;
    GtkWidget *row;

    g_assert_cmpint (ABS (lapse - expected), <, 120);
    g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
    prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
    wait_for_text (GTK_WIDGET (prefs), "Signed in as admin@contoso.example");
    row = find (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Signed in as");
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Lapses on"));
    gtk_window_close (prefs);
  }

  /* Link the Users connection: its Entra app is found by its tenant URL and chosen already */
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "Not linked to its Entra app");
  click (find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "User Provisioning"), "Link");
  g_assert_true (spin_until (titled_shown_cb, (gpointer) "Link the Users Connection to Its Entra App", 10));
  link = find_window_titled ("Link the Users Connection to Its Entra App");
  wait_for_text (GTK_WIDGET (link), "Uses this connection's tenant URL");
  g_assert_true (shows_text (GTK_WIDGET (link), "Acme Persons"));
  click (GTK_WIDGET (link), "Link");
  g_assert_true (spin_until (titled_gone_cb, (gpointer) "Link the Users Connection to Its Entra App", 10));
  wait_for_text (GTK_WIDGET (window), "“Acme Users”: Active");

  /* Renew with the hand-over, counting the admin's actions up to the done
   * page: Renew, Issue, Update for Me (nothing to copy); every step shown,
   * then the wait ends on Entra's first use. */
  revoke_unused ("users");
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  click (find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "User Provisioning"), "Renew");
  n_actions++;
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  click (GTK_WIDGET (assistant), "Issue New Token");
  n_actions++;
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  /* The test's own copy, to check what Entra got: not an action of the admin */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "renew.copy", NULL);
  secret = read_clipboard (GTK_WIDGET (assistant));
  click (GTK_WIDGET (assistant), "Update “Acme Users” for Me");
  n_actions++;
  g_assert_true (step_is_cb ((gpointer) "steps"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Let Provisio Update Entra"));
  g_assert_true (spin_until (step_is_cb, (gpointer) "done", 30));
  g_test_message ("%u actions to renew with Microsoft Graph", n_actions);
  g_assert_cmpuint (n_actions, <=, 4);
  state = fake_control ("state", "{}");
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_object_get_object_member (state, "apps"), "11111111-aaaa"),
                     "secret_sha256"), ==, digest);
  click (GTK_WIDGET (assistant), "Close");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));

  /* Graph refuses: said with Graph's reason, the manual steps stay, nothing lost */
  assistant = hand_over_refused ("{\"forbidden\": true}", &failed_secret);
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Insufficient privileges"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Paste the new token into"));
  g_assert_true (step_is_cb ((gpointer) "steps"));
  g_assert_cmpint (scim_get (users_url, secret), ==, 200);
  close_refused (assistant, "{\"forbidden\": false}");

  /* Graph answers 401 UnknownError for missing rights: the role is named,
   * the sign-in is not declared dead */
  assistant = hand_over_refused ("{\"role\": false}", &rights_secret);
  g_assert_true (shows_text (GTK_WIDGET (assistant), "the account may not manage provisioning"));
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Cloud Application Administrator"));
  g_assert_false (shows_text (GTK_WIDGET (assistant), "sign in again"));
  g_assert_true (pv_entra_session_get_signed_in (pv_application_get_entra (app)));
  close_refused (assistant, "{\"role\": true}");

  /* validateCredentials fails without a body: the status is said */
  assistant = hand_over_refused ("{\"fail_validation\": true, \"validation_answer\": {\"status\": 500}}",
                                 &validate_secret);
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Entra could not use the tenant URL and the new token: "
                                                     "Microsoft Graph failed; nothing was changed (HTTP 500)"));
  close_refused (assistant, "{\"fail_validation\": false, \"validation_answer\": null}");

  /* Discovery skips a first-party app that answers oddly, and says so */
  json_object_unref (fake_control ("app", "{\"id\": \"55555555-eeee\", \"displayName\": \"Office 365 Exchange Online\", "
                                          "\"jobs_answer\": {\"status\": 500, \"body\": \"<html>error</html>\"}}"));
  link = pv_entra_link_window_new (GTK_WINDOW (window), pv_application_get_entra (app), acme (), "persons");
  gtk_window_present (link);
  wait_for_text (GTK_WIDGET (link), "Skipped 1 enterprise app whose provisioning Microsoft Graph did not show");
  g_assert_true (shows_text (GTK_WIDGET (link), "Office 365 Exchange Online: Microsoft Graph failed; nothing was "
                                                "changed (HTTP 500)"));
  g_assert_true (shows_text (GTK_WIDGET (link), "Acme Persons"));
  gtk_window_destroy (link);

  /* A Conditional Access policy blocks the sign-in: the window says which
   * code and what an administrator does; the kept sign-in stays */
  json_object_unref (fake_control ("set", "{\"auto_approve\": 0, \"refuse\": {\"at\": \"device_code\", "
                                          "\"aadsts\": 53003}}"));
  sign_in = pv_entra_sign_in_window_new (GTK_WINDOW (window), pv_application_get_entra (app));
  gtk_window_present (sign_in);
  wait_for_text (GTK_WIDGET (sign_in), "AADSTS53003");
  g_assert_true (shows_text (GTK_WIDGET (sign_in), "exclude the account or Provisio's client from that policy"));
  g_assert_true (shows_text (GTK_WIDGET (sign_in), "Try Again"));
  gtk_window_destroy (sign_in);
  g_assert_true (pv_entra_session_get_signed_in (pv_application_get_entra (app)));
  /* A client without offline_access: no refresh token, and the window says why */
  json_object_unref (fake_control ("set", "{\"refuse\": null, \"consented\": [\"Synchronization.ReadWrite.All\", "
                                          "\"Application.Read.All\", \"openid\", \"profile\"]}"));
  sign_in = pv_entra_sign_in_window_new (GTK_WINDOW (window), pv_application_get_entra (app));
  gtk_window_present (sign_in);
  wait_for_text (GTK_WIDGET (sign_in), "the client needs the offline_access permission");
  gtk_window_destroy (sign_in);
  g_assert_true (pv_entra_session_get_signed_in (pv_application_get_entra (app)));
  json_object_unref (fake_control ("set", "{\"auto_approve\": null, \"consented\": [\"Synchronization.ReadWrite.All\", "
                                          "\"Application.Read.All\", \"offline_access\", \"openid\", \"profile\"]}"));

  /* Provisioning health on the dashboard: the job in quarantine, with since when and why */
  json_object_unref (fake_control ("quarantine", "{\"id\": \"11111111-aaaa\"}"));
  pv_application_refresh (app);
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "Provisioning Health");
  wait_for_text (GTK_WIDGET (window), "“Acme Users”: In quarantine since");
  g_assert_true (shows_text (GTK_WIDGET (window), "EncounteredQuarantineException"));
  screenshot (GTK_WIDGET (window), "overview-health");

  /* Renewing restarts the job, asynchronously: Graph busy once on the way
   * (503, Retry-After as a date), and right after the hand-over the health
   * still says quarantine rather than what the app hopes */
  json_object_unref (fake_control ("set", "{\"restart_delay\": 60, \"throttle\": 1, \"throttle_status\": 503, "
                                          "\"retry_after_date\": true, \"retry_after\": 1}"));
  revoke_unused ("users");
  issue_in_assistant ("User Provisioning", &restart_secret);
  assistant = find_window (PV_TYPE_RENEW_WINDOW);
  click (GTK_WIDGET (assistant), "Update “Acme Users” for Me");
  g_assert_true (spin_until (step_is_cb, (gpointer) "done", 30));
  click (GTK_WIDGET (assistant), "Close");
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  json_object_unref (state);
  state = fake_control ("state", "{}");
  {
    JsonArray *log = json_object_get_array_member (state, "log");
    gboolean busy = FALSE;

    for (guint i = 0; i < json_array_get_length (log); i++)
      busy |= json_array_get_int_element (json_array_get_array_element (log, i), 2) == 503;
    g_assert_true (busy);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (json_object_get_object_member (state, "apps"), "11111111-aaaa"),
                       "status"), ==, "Quarantine");
  }
  pv_application_refresh (app);
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "“Acme Users”: In quarantine since");
  /* As the next tests expect: the Users token in use, and no other. */
  revoke_unused ("users");
  refresh_done ();
}

static gboolean no_text_cb (gpointer data);

static gboolean
flag_cb (gpointer data)
{
  return *(gboolean *) data;
}

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  pv_tenant_list_load_finish (PV_TENANT_LIST (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* Import from Entra in the preferences: the apps that provision become
 * tracked apps, the tenants' own apps stay as they are; the list shows the
 * new app.  Afterwards the tracked apps are as they were, for the next
 * tests. */
static void
test_entra_import (void)
{
  GtkWindow *prefs;
  g_autofree char *apps_ini = NULL;
  g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (pv_application_get_tenants (app));
  g_autofree char *users_url = NULL;
  g_autofree char *persons_url = NULL;
  g_autofree char *users = NULL;
  g_autofree char *persons = NULL;

  g_autofree char *before = NULL;
  gboolean reloaded = FALSE;
  g_autoptr(GDateTime) soon = g_date_time_add_days (g_date_time_new_now_utc (), 10);
  g_autofree char *soon_text = g_date_time_format (soon, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *saml = g_strdup_printf ("{\"id\": \"eeeeeeee-7777\", \"displayName\": \"Wiki SSO\", "
                                           "\"status\": \"None\", \"saml\": {\"thumbprint\": \"%s\", "
                                           "\"not_after\": \"%s\"}}",
                                           "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", soon_text);

  known_state ();
  users_url = connection_url ("users");
  persons_url = connection_url ("persons");
  users = g_strdup_printf ("{\"id\": \"11111111-aaaa\", \"displayName\": \"Acme Users\", \"base_address\": \"%s\"}",
                           users_url);
  persons = g_strdup_printf ("{\"id\": \"22222222-bbbb\", \"displayName\": \"Acme Persons\", "
                             "\"base_address\": \"%s\"}", persons_url);
  if (!g_file_load_contents (apps_file, NULL, &before, NULL, NULL, NULL))
    before = g_strdup ("");
  /* Entra holds the tenant's two apps, as /app/entra made them (kept as
   * they are, with their jobs' state), a SAML app, and nothing else an
   * earlier test left */
  {
    g_autoptr(JsonObject) state = fake_control ("state", "{}");
    JsonObject *apps = json_object_get_object_member (state, "apps");
    g_autoptr(GList) ids = json_object_get_members (apps);

    for (GList *l = ids; l != NULL; l = l->next)
      {
        g_autofree char *remove = g_strdup_printf ("{\"id\": \"%s\"}", (const char *) l->data);

        if (!g_str_equal (l->data, "11111111-aaaa") && !g_str_equal (l->data, "22222222-bbbb"))
          json_object_unref (fake_control ("remove", remove));
      }
    if (!json_object_has_member (apps, "11111111-aaaa"))
      json_object_unref (fake_control ("app", users));
    if (!json_object_has_member (apps, "22222222-bbbb"))
      json_object_unref (fake_control ("app", persons));
  }
  json_object_unref (fake_control ("app", saml));
  /* Signed in by /app/entra already; alone, sign in first. */
  if (!pv_entra_session_get_signed_in (pv_application_get_entra (app)))
    sign_in_from_preferences ();
  json_object_unref (fake_control ("app", "{\"id\": \"cccccccc-5555\", \"displayName\": \"Timeneye\", "
                                          "\"base_address\": \"https://api.timeneye.com/scim/v2\"}"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  wait_for_text (GTK_WIDGET (prefs), "Import from Entra");
  click (GTK_WIDGET (prefs), "Import");
  wait_for_text (GTK_WIDGET (prefs), "1 new, 0 updated, 0 removed from Entra; 2 of your tenants left as they are");
  g_assert_true (g_file_load_contents (apps_file, NULL, &apps_ini, NULL, NULL, NULL));
  g_assert_nonnull (strstr (apps_ini, "[app timeneye]\nname=Timeneye\nvendor=timeneye\n"));
  g_assert_null (strstr (apps_ini, "Acme"));
  gtk_window_close (prefs);
  wait_for_text (GTK_WIDGET (window), "Timeneye");

  /* The SAML app's active certificate, 10 days from expiry: in Next
   * Actions (and so on the timeline, from the same rows), whose action
   * shows Entra's steps */
  pv_window_show_overview (window);
  /* Due in ten days: in the Due Soon group, whose rows are made when it is
   * opened */
  wait_for_text (GTK_WIDGET (window), "Due Soon");
  g_assert_false (shows_text (GTK_WIDGET (window), "Renew the SSO signing certificate of Wiki SSO"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (gtk_widget_get_ancestor (
                                   find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Due Soon"), ADW_TYPE_EXPANDER_ROW)),
                                 TRUE);
  wait_for_text (GTK_WIDGET (window), "Renew the SSO signing certificate of Wiki SSO");
  /* Its token's expiry unknown: a date to set, not a token to issue */
  wait_for_text (GTK_WIDGET (window), "Set when the Users token of Timeneye expires");
  g_assert_false (shows_text (GTK_WIDGET (window), "Issue a Users token for Timeneye"));
  {
    GtkWidget *label = find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Renew the SSO signing certificate of Wiki SSO");
    GtkWindow *steps;

    click (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW), "Show");
    steps = wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_true (shows_text (GTK_WIDGET (steps), "Renew the SAML Certificate of Wiki SSO"));
    g_assert_true (shows_text (GTK_WIDGET (steps), "Make the new certificate active"));
    gtk_window_destroy (steps);
  }

  /* Again: nothing doubled. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  click (GTK_WIDGET (prefs), "Import");
  wait_for_text (GTK_WIDGET (prefs), "0 new, 1 updated, 0 removed from Entra");
  gtk_window_close (prefs);

  /* Gone from Entra: an import marks the app removed and takes the
   * certificate off the dashboard */
  json_object_unref (fake_control ("remove", "{\"id\": \"cccccccc-5555\"}"));
  json_object_unref (fake_control ("remove", "{\"id\": \"eeeeeeee-7777\"}"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  click (GTK_WIDGET (prefs), "Import");
  wait_for_text (GTK_WIDGET (prefs), "0 new, 0 updated, 1 removed from Entra");
  gtk_window_close (prefs);
  g_assert_cmpuint (g_list_model_get_n_items (
                      pv_entra_session_get_saml_certificates (pv_application_get_entra (app))), ==, 0);
  g_assert_true (spin_until (no_text_cb, (gpointer) "Renew the SSO signing certificate of Wiki SSO", 10));

  /* As the next tests expect: the tracked apps as they were. */
  g_assert_true (g_file_replace_contents (apps_file, before, strlen (before), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                          NULL, NULL));
  pv_tenant_list_load_async (pv_application_get_tenants (app), NULL, reloaded_cb, &reloaded);
  g_assert_true (spin_until (flag_cb, &reloaded, 10));
  refresh_done ();
}

static gboolean
entry_emptied_cb (gpointer data)
{
  return *gtk_editable_get_text (GTK_EDITABLE (data)) == '\0';
}

static gboolean
nothing_pending_cb (gpointer data)
{
  PvTenantInfo *info = pv_tenant_list_lookup (data, "vendorapp");
  PvTrackedApp *tracked = info ? pv_tenant_list_get_tracked_app (data, info) : NULL;

  return tracked != NULL && pv_tracked_app_get_connection (tracked, "users")->pending_since == 0;
}

static gboolean
current_is_cb (gpointer data)
{
  g_autofree char *current = app_token ("app-token");

  return g_strcmp0 (current, data) == 0;
}

static gboolean
pending_is_cb (gpointer data)
{
  g_autofree char *pending = app_token ("app-token-pending");

  return g_strcmp0 (pending, data) == 0;
}

/* A tracked app renewed in the app through Microsoft Graph: the paste-once
 * window hands the token to the linked Entra app (the Microsoft stand-in,
 * whose test of the token is a real SCIM request to the vendor), then
 * records it. */
static void
test_tracked_app_entra (void)
{
  PvTenantList *tenants = pv_application_get_tenants (app);
  PvEntraSession *entra = pv_application_get_entra (app);
  g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (tenants);
  g_autoptr(PvIssuedToken) first = vendor_issue ("persons");
  g_autofree char *token = g_strdup (first->secret);
  g_autofree char *url = g_strdup_printf ("%s/t/vendor/scim/persons/v2", server_url);
  g_autofree char *control = NULL;
  g_autofree char *renewed = NULL;
  g_autofree char *current = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(GAsyncResult) tracked = NULL;
  g_autoptr(JsonObject) state = NULL;
  PvTrackRequest request = { "vendorapp", NULL, "other", "users", url, token, 0, 4102444800 };
  GtkWindow *prefs, *renew;
  PvTrackedApp *added;

  known_state ();
  pv_tracked_app_track_async (apps_file, &request, NULL, result_cb, &tracked);
  while (tracked == NULL)
    g_main_context_iteration (NULL, TRUE);
  added = pv_tracked_app_track_finish (tracked, NULL);
  g_assert_nonnull (added);
  pv_tenant_list_add_tracked_app (tenants, added, NULL, NULL);

  control = g_strdup_printf ("{\"id\": \"33333333-cccc\", \"displayName\": \"Vendor App\", "
                             "\"base_address\": \"%s\"}", url);
  json_object_unref (fake_control ("app", control));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  click (GTK_WIDGET (prefs), "Sign In");
  g_assert_true (spin_until (titled_shown_cb, (gpointer) "Sign In to Microsoft Entra", 10));
  wait_for_text (GTK_WIDGET (find_window_titled ("Sign In to Microsoft Entra")), "enter this code");
  json_object_unref (fake_control ("approve", "{}"));
  g_assert_true (spin_until (signed_in_cb, NULL, 20));
  g_assert_true (spin_until (titled_gone_cb, (gpointer) "Sign In to Microsoft Entra", 10));
  gtk_window_close (prefs);
  /* Linked from its page, as a tenant's connection is: found by its URL */
  g_assert_true (pv_window_show_tenant (window, "vendorapp"));
  wait_for_text (GTK_WIDGET (window), "Tracked App");
  wait_for_text (GTK_WIDGET (window), "Not linked to its Entra app");
  click (GTK_WIDGET (window), "Link");
  g_assert_true (spin_until (titled_shown_cb, (gpointer) "Link the Users Connection to Its Entra App", 10));
  wait_for_text (GTK_WIDGET (find_window_titled ("Link the Users Connection to Its Entra App")),
                 "Uses this connection's tenant URL");
  click (GTK_WIDGET (find_window_titled ("Link the Users Connection to Its Entra App")), "Link");
  g_assert_true (spin_until (titled_gone_cb, (gpointer) "Link the Users Connection to Its Entra App", 10));
  g_assert_nonnull (pv_entra_config_get_link (pv_entra_session_get_config (entra), "vendorapp", "users"));
  click (GTK_WIDGET (window), "Renew…");
  renew = wait_for_window (PV_TYPE_PASTE_RENEW_WINDOW);
  /* A first new token that the vendor revokes before Entra's next cycle:
   * the cycle fails, nothing is recorded, and another token can be pasted */
  {
    g_autoptr(PvIssuedToken) doomed = vendor_issue ("persons");

    set_row_text (GTK_WIDGET (renew), "New token", doomed->secret);
    set_row_text (GTK_WIDGET (renew), "Expires on", "2099-06-30");
    click (GTK_WIDGET (renew), "Check and Keep");
    wait_for_text (GTK_WIDGET (renew), "closing this window loses nothing");
    click (GTK_WIDGET (renew), "Update “Vendor App” for Me");
    wait_for_text (GTK_WIDGET (renew), "has not provisioned with it yet");
    vendor_revoke ("persons", pv_token_info_get_id (doomed->token));
    spin_for (1100);  /* a cycle that ends the very second of the hand-over does not count */
    state = fake_control ("run", "{\"id\": \"33333333-cccc\"}");
    g_assert_cmpint (json_object_get_int_member (state, "status"), ==, 401);
    g_clear_pointer (&state, json_object_unref);
    click (GTK_WIDGET (renew), "Check Now");
    wait_for_text (GTK_WIDGET (renew), "Entra's provisioning failed with the new token");
    wait_for_text (GTK_WIDGET (renew), "rejected the credentials (HTTP 401)");
    current = app_token ("app-token");
    g_assert_cmpstr (current, ==, token);
    g_clear_pointer (&current, g_free);
  }
  renewed = vendor_token ("persons");
  set_row_text (GTK_WIDGET (renew), "New token", renewed);
  click (GTK_WIDGET (renew), "Check and Keep");
  g_assert_true (spin_until (pending_is_cb, renewed, 20));
  /* Taken: the entry emptied, the hand-over offered for it */
  g_assert_true (spin_until (entry_emptied_cb, find (GTK_WIDGET (renew), ADW_TYPE_ENTRY_ROW, "New token"), 20));
  click (GTK_WIDGET (renew), "Update “Vendor App” for Me");
  /* Entra has it, but has not provisioned with it: nothing recorded yet */
  wait_for_text (GTK_WIDGET (renew), "has not provisioned with it yet");
  state = fake_control ("state", "{}");
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, renewed, -1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_object_get_object_member (state, "apps"), "33333333-cccc"),
                     "secret_sha256"), ==, digest);
  current = app_token ("app-token");
  g_assert_cmpstr (current, ==, token);
  g_clear_pointer (&current, g_free);
  g_assert_null (find (GTK_WIDGET (renew), GTK_TYPE_BUTTON, "The Identity Provider Has It"));

  /* Closed while waiting: the page offers to continue, and the window
   * watches Entra's job again */
  gtk_window_close (renew);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_PASTE_RENEW_WINDOW), 10));
  g_assert_true (pv_window_show_tenant (window, "vendorapp"));
  wait_for_text (GTK_WIDGET (window), "Handed to Entra, which has not provisioned with it yet");
  wait_for_button (GTK_WIDGET (window), "Continue…");
  click (GTK_WIDGET (window), "Continue…");
  renew = wait_for_window (PV_TYPE_PASTE_RENEW_WINDOW);
  wait_for_text (GTK_WIDGET (renew), "has not provisioned with it yet");

  /* Entra's next cycle provisions with it: recorded, the old one forgotten */
  spin_for (1100);  /* a cycle that ends the very second of the hand-over does not count */
  state = (json_object_unref (state), fake_control ("run", "{\"id\": \"33333333-cccc\"}"));
  g_assert_cmpint (json_object_get_int_member (state, "status"), ==, 200);
  click (GTK_WIDGET (renew), "Check Now");
  wait_for_text (GTK_WIDGET (renew), "Done.");
  current = app_token ("app-token");
  g_assert_cmpstr (current, ==, renewed);
  g_clear_pointer (&current, g_free);
  current = app_token ("app-token-pending");
  g_assert_cmpstr (current, ==, "");
  gtk_window_close (renew);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_PASTE_RENEW_WINDOW), 10));

  /* The next renewal, its window closed while Entra had not provisioned
   * with it yet: the app records it itself once Entra's health, read after
   * a refresh, shows a cycle since that succeeded */
  {
    g_autofree char *third = NULL;

    /* The vendor's console: the first token deleted, so that a third may be made */
    vendor_revoke ("persons", pv_token_info_get_id (first->token));
    third = vendor_token ("persons");
    g_assert_true (pv_window_show_tenant (window, "vendorapp"));
    wait_for_button (GTK_WIDGET (window), "Renew…");
    click (GTK_WIDGET (window), "Renew…");
    renew = wait_for_window (PV_TYPE_PASTE_RENEW_WINDOW);
    set_row_text (GTK_WIDGET (renew), "New token", third);
    set_row_text (GTK_WIDGET (renew), "Expires on", "2099-09-30");
    click (GTK_WIDGET (renew), "Check and Keep");
    wait_for_text (GTK_WIDGET (renew), "closing this window loses nothing");
    click (GTK_WIDGET (renew), "Update “Vendor App” for Me");
    wait_for_text (GTK_WIDGET (renew), "has not provisioned with it yet");
    gtk_window_close (renew);
    g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_PASTE_RENEW_WINDOW), 10));
    current = app_token ("app-token");
    g_assert_cmpstr (current, ==, renewed);
    g_clear_pointer (&current, g_free);
    spin_for (1100);  /* a cycle that ends the very second of the hand-over does not count */
    state = (json_object_unref (state), fake_control ("run", "{\"id\": \"33333333-cccc\"}"));
    g_assert_cmpint (json_object_get_int_member (state, "status"), ==, 200);
    pv_entra_session_refresh_health (entra);
    g_assert_true (spin_until (current_is_cb, third, 20));
    g_assert_true (spin_until (pending_is_cb, (gpointer) "", 20));
    /* Its page too: nothing waits any more */
    g_assert_true (spin_until (nothing_pending_cb, tenants, 20));
    g_assert_true (pv_window_show_tenant (window, "vendorapp"));
    wait_for_text (GTK_WIDGET (window), "Renew…");
    g_assert_false (shows_text (GTK_WIDGET (window), "Handed to Entra"));
  }

  /* As before, for the tests after: signed out, nothing tracked */
  pv_entra_session_sign_out (entra);
  {
    const char *argv[] = { "secret-tool", "clear", "tenant", "app:vendorapp/users", "kind", "app-token", NULL };
    g_autoptr(GAsyncResult) loaded = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                                 NULL));
    g_assert_cmpint (g_unlink (g_file_peek_path (apps_file)), ==, 0);
    pv_window_show_overview (window);
    pv_tenant_list_load_async (tenants, NULL, result_cb, &loaded);
    while (loaded == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (pv_tenant_list_load_finish (tenants, loaded, NULL));
  }
}

static void
test_dashboard (void)
{
  PvTimeline *timeline;

  known_state ();
  ensure_in_use ("users");
  ensure_waiting ("persons");
  pv_window_show_overview (window);
  g_assert_true (spin_until (page_is_cb, (gpointer) "overview", 10));
  wait_for_text (GTK_WIDGET (window), "Next Actions");
  /* The Persons token waits for its first use: the next action says so and names the app. */
  wait_for_text (GTK_WIDGET (window), "Paste the new Persons token of Acme Corp");
  timeline = PV_TIMELINE (find (GTK_WIDGET (window), PV_TYPE_TIMELINE, NULL));
  g_assert_nonnull (timeline);
  /* A bar per token that is not deleted */
  {
    GListModel *connections = pv_tenant_info_get_connections (acme ());
    guint n = 0;

    for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
      {
        g_autoptr(PvConnectionInfo) c = g_list_model_get_item (connections, i);

        n += g_list_model_get_n_items (pv_connection_info_get_tokens (c));
      }
    g_assert_cmpuint (n, >=, 3);
    /* and one for the admin API key */
    g_assert_cmpuint (pv_timeline_get_n_bars (timeline), ==, n + 1);
  }
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_ROLE_IMG);
  /* Grouped per tenant: a tenant with several credentials folds into one
   * row and unfolds to a row each; a credential's own row does not fold. */
  {
    guint rows = pv_timeline_get_n_rows (timeline);
    guint header = 0;
    guint toggled;

    g_assert_cmpuint (rows, >, 0);
    while (header < rows && !pv_timeline_activate_row (timeline, header))
      header++;
    g_assert_cmpuint (header, <, rows);
    toggled = pv_timeline_get_n_rows (timeline);
    /* Unfolded, a row per credential, at least two, under the tenant's */
    g_assert_cmpuint (MAX (rows, toggled) - MIN (rows, toggled), >=, 2);
    if (toggled > rows)
      g_assert_false (pv_timeline_activate_row (timeline, header + 1));
    g_assert_true (pv_timeline_activate_row (timeline, header));
    g_assert_cmpuint (pv_timeline_get_n_rows (timeline), ==, rows);
  }
  screenshot (GTK_WIDGET (window), "overview-light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (window), "overview-dark");
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  screenshot (GTK_WIDGET (window), "tenant-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static gboolean
dialog_shown_cb (gpointer data)
{
  return find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* Revoke… on the first token of a panel; returns the dialog that asks. */
static GtkWindow *
press_revoke (const char *panel_title)
{
  GtkWidget *panel = find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, panel_title);
  GtkWidget *expander = find (panel, ADW_TYPE_EXPANDER_ROW, NULL);

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  wait_for_button (expander, "Revoke");
  click (expander, "Revoke");
  g_assert_true (spin_until (dialog_shown_cb, NULL, 10));
  return find_window (ADW_TYPE_MESSAGE_DIALOG);
}

static void
test_revoke (void)
{
  GtkWindow *dialog;
  GtkWidget *panel;
  g_autoptr(PvConnectionInfo) users = NULL;
  g_autofree char *in_use = NULL;
  guint n_tokens, n_deleted;

  known_state ();
  ensure_in_use ("users");
  ensure_waiting ("persons");
  users = g_list_model_get_item (pv_tenant_info_get_connections (acme ()), 0);
  in_use = g_strdup (pv_connection_info_get_in_use_token_id (users));
  n_tokens = g_list_model_get_n_items (pv_connection_info_get_tokens (users));
  n_deleted = g_list_model_get_n_items (pv_connection_info_get_deleted_tokens (users));
  g_assert_nonnull (in_use);
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");

  /* The token in use: the first Revoke is refused by the tenant, and the
   * second dialog names the app and offers to insist. */
  dialog = press_revoke ("User Provisioning");
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "Revoke Token"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  gtk_window_destroy (dialog);
  g_assert_true (spin_until (dialog_shown_cb, NULL, 10));
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "Users Still Uses"));
  /* Cancel: nothing is revoked, as the tenant says once asked again. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  refresh_done ();
  g_assert_false (dialog_shown_cb (NULL));
  g_assert_cmpstr (pv_connection_info_get_in_use_token_id (users), ==, in_use);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (users)), ==, n_tokens);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_deleted_tokens (users)), ==, n_deleted);

  /* The Persons token nobody uses yet: revoked after one confirmation,
   * then listed as deleted, with who deleted it. */
  dialog = press_revoke ("Person Provisioning");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "Persons app of Acme Corp"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  gtk_window_destroy (dialog);
  wait_for_text (GTK_WIDGET (window), "1 deleted token");
  g_assert_false (dialog_shown_cb (NULL));
  {
    GtkWidget *deleted;

    panel = find (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP, "Person Provisioning");
    deleted = find (panel, ADW_TYPE_EXPANDER_ROW, "deleted token");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (deleted), TRUE);
    wait_for_text (deleted, "Deleted by it@acme.example");
  }
}

/* A reminder's Renew button (provisioctl remind sends app.renew) opens the
 * renew assistant of that connection. */
static void
test_notification_action (void)
{
  GtkWindow *assistant;

  known_state ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "renew", g_variant_new ("(ss)", "acme", "persons"));
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  g_assert_cmpstr (gtk_window_get_title (assistant), ==, "Renew Persons Token");
  g_assert_true (step_is_cb ((gpointer) "intro"));
  gtk_window_close (assistant);
  g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_RENEW_WINDOW), 10));
  g_assert_cmpstr (pv_window_get_page (window), ==, "tenant");
}

/* Reminders while the app runs: after a refresh, as notifications on the
 * session bus (a stand-in server records them), each once. */
static guint
count_lines (const char *path,
             const char *needle)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    n += *lines[i] && strstr (lines[i], needle) != NULL;
  return n;
}

typedef struct {
  const char *path;
  guint       n;
} LinesWait;

static gboolean
lines_cb (gpointer data)
{
  LinesWait *w = data;

  return count_lines (w->path, "io.github.provisio.Provisio") >= w->n;
}

static void
test_reminders (void)
{
  g_autofree char *log = g_build_filename (workdir, "notifications.jsonl", NULL);
  const char *argv[] = { "/usr/bin/python3", g_getenv ("PV_FAKE_NOTIFICATIONS"), log, NULL };
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *ready = NULL;
  GSettings *settings = pv_application_get_settings (app);
  LinesWait w = { log, 1 };
  guint n;

  known_state ();
  ensure_in_use ("users");
  ensure_in_use ("persons");
  g_assert_nonnull (argv[1]);
  fake = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  ready = read_line (in);
  g_assert_cmpstr (ready, ==, "ready");

  /* Tokens of a year: a 365-day threshold is crossed at once, for the
   * reminders and for the dashboard's actions alike. */
  pv_window_show_overview (window);
  g_assert_true (spin_until (page_is_cb, (gpointer) "overview", 10));
  g_assert_false (shows_text (GTK_WIDGET (window), "Renew the Users token of Acme Corp"));
  g_settings_set_string (settings, "reminder-thresholds", "365,30");
  wait_for_text (GTK_WIDGET (window), "Renew the Users token of Acme Corp");
  /* The pass over what is due, to its end; then every notification it
   * sent, in the stand-in's log */
  w.n = refresh_and_remind ();
  g_assert_cmpuint (w.n, >, 0);
  g_assert_true (spin_until (lines_cb, &w, 20));
  n = count_lines (log, "io.github.provisio.Provisio");
  g_assert_cmpuint (n, ==, w.n);
  /* Every token, and the admin API key (a year too), which has no Renew button */
  g_assert_cmpuint (count_lines (log, "token of Acme Corp") + count_lines (log, "admin API key for Acme Corp"), ==, n);
  g_assert_cmpuint (count_lines (log, "admin API key for Acme Corp"), ==, 1);
  g_assert_cmpuint (count_lines (log, "app.renew"), ==, n - 1);

  /* Sent once: the next pass, to its end, sends none. */
  g_assert_cmpuint (refresh_and_remind (), ==, 0);
  g_assert_cmpuint (count_lines (log, "io.github.provisio.Provisio"), ==, n);
  g_settings_reset (settings, "reminder-thresholds");
  g_subprocess_send_signal (fake, SIGTERM);
  g_assert_true (spin_until (no_text_cb, (gpointer) "Renew the Users token of Acme Corp", 10));
}

/* Whether systemd has the background check's timer enabled, as the
 * session's systemctl says (here, usually: no user manager to ask). */
static gboolean
timer_enabled (void)
{
  g_autofree char *out = NULL;

  g_spawn_command_line_sync ("systemctl --user is-enabled provisio-reminders.timer", &out, NULL, NULL, NULL);
  return out != NULL && g_str_equal (g_strstrip (out), "enabled");
}

static gboolean
no_text_cb (gpointer data)
{
  return !shows_text (GTK_WIDGET (window), data);
}

static gboolean
sensitive_cb (gpointer data)
{
  return gtk_widget_is_sensitive (data);
}

/* First run: the overview asks once, in a banner, whether to remind in the
 * background; the preferences' switch shows what systemd has, and goes
 * back with the reason when switching fails. */
static void
test_background (void)
{
  GSettings *settings = pv_application_get_settings (app);
  GtkWindow *preferences;
  GtkWidget *row;
  GtkWidget *toggle;
  gboolean enabled;

  known_state ();
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "also when Provisio is closed?");
  click (GTK_WIDGET (window), "Remind in the Background");
  g_assert_true (spin_until (no_text_cb, (gpointer) "also when Provisio is closed?", 20));
  g_assert_true (g_settings_get_boolean (settings, "background-asked"));
  enabled = timer_enabled ();
  g_assert_cmpint (g_settings_get_boolean (settings, "background-check"), ==, enabled);
  /* Asked once */
  pv_dashboard_update (PV_DASHBOARD (find (GTK_WIDGET (window), PV_TYPE_DASHBOARD, NULL)));
  g_assert_false (shows_text (GTK_WIDGET (window), "also when Provisio is closed?"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  row = find (GTK_WIDGET (preferences), ADW_TYPE_ACTION_ROW, "Check when Provisio is closed");
  g_assert_nonnull (row);
  toggle = find (row, GTK_TYPE_SWITCH, NULL);
  g_assert_true (spin_until (sensitive_cb, toggle, 20));
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, enabled);
  gtk_switch_set_active (GTK_SWITCH (toggle), !enabled);
  g_assert_true (spin_until (sensitive_cb, toggle, 20));
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, timer_enabled ());
  if (gtk_switch_get_active (GTK_SWITCH (toggle)) == enabled)
    /* It went back: the reason is said where the switch is. */
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "could not be switched"));
  else
    gtk_switch_set_active (GTK_SWITCH (toggle), enabled);
  gtk_window_destroy (preferences);
}

static gboolean
banner_cb (gpointer data)
{
  return shows_text (GTK_WIDGET (window), "could not be asked");
}

/* The sidebar's row of a tenant: its name's label */
static GtkWidget *
label_named (GtkWidget  *root,
             const char *name)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (c) && g_str_equal (gtk_label_get_label (GTK_LABEL (c)), name) &&
          GTK_IS_LABEL (gtk_widget_get_next_sibling (c)))
        return c;
      if ((found = label_named (c, name)))
        return found;
    }
  return NULL;
}

typedef struct {
  const char   *name;
  PvExpiryState state;
} SidebarWait;

/* The state dot before the tenant's name in the sidebar (its subtitle
 * says why the tenant could not be asked while offline). */
static gboolean
sidebar_says_cb (gpointer data)
{
  SidebarWait *w = data;
  GtkWidget *title = label_named (GTK_WIDGET (window), w->name);
  GtkWidget *row = title ? gtk_widget_get_ancestor (title, PV_TYPE_TENANT_ROW) : NULL;
  GtkWidget *dot = row ? find (row, GTK_TYPE_IMAGE, NULL) : NULL;

  return dot != NULL && gtk_widget_has_css_class (dot, pv_state_css_class (w->state));
}

/* Offline, time goes on: the tenant's clock, as last known, moved on by
 * years.  The states are computed when shown, so every token shows as
 * expired, in the sidebar and in the next actions, without a fetch. */
static void
later_offline (gint64 skew)
{
  g_autoptr(JsonObject) state = json_object_new ();

  json_object_set_int_member (state, "clock_skew", skew);
  g_assert_true (pv_tenant_info_update_from_json (acme (), state, NULL));
}

static void
test_server_down (void)
{
  SidebarWait expired = { "Acme Corp", PV_EXPIRY_EXPIRED };

  known_state ();
  ensure_in_use ("users");
  stop_server ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (spin_until (banner_cb, NULL, 20));
  /* The last known state stays shown. */
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "Could not be asked");
  g_assert_true (shows_text (GTK_WIDGET (window), "User Provisioning"));
  screenshot (GTK_WIDGET (window), "tenant-offline");

  pv_window_show_overview (window);
  /* The row's tooltip, asked for as the pointer rests on it, says it too */
  {
    GtkWidget *title = label_named (GTK_WIDGET (window), "Acme Corp");
    GtkWidget *row = title ? gtk_widget_get_ancestor (title, PV_TYPE_TENANT_ROW) : NULL;
    g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    gboolean shown = FALSE;

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_get_has_tooltip (row));
    g_signal_emit_by_name (row, "query-tooltip", 4, 4, FALSE, tooltip, &shown);
    g_assert_true (shown);
  }
  g_assert_false (sidebar_says_cb (&expired));
  g_assert_false (shows_text (GTK_WIDGET (window), "Renew the Users token of Acme Corp"));
  later_offline (800 * 86400);
  g_assert_true (spin_until (sidebar_says_cb, &expired, 10));
  wait_for_text (GTK_WIDGET (window), "Renew the Users token of Acme Corp");
  screenshot (GTK_WIDGET (window), "overview-offline-later");
  later_offline (0);
  start_server ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
}

static gboolean
no_banner_cb (gpointer data)
{
  GtkWidget *revealer = find (GTK_WIDGET (window), GTK_TYPE_REVEALER, NULL);

  return revealer != NULL && !gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static void
test_recovers (void)
{
  g_assert_true (spin_until (no_banner_cb, NULL, 20));
}

static gboolean
demo_ready_cb (gpointer data)
{
  /* Three tenants and the tracked app whose vendor is the demo server */
  return pv_application_get_demo (app) &&
         g_list_model_get_n_items (G_LIST_MODEL (pv_application_get_tenants (app))) == 4;
}

/* The admin API key: due soon on the dashboard and in a reminder (the
 * server's test clock moved), renewed in place with Renew Key, and an
 * expired key that says what to do. */

static guint
api (const char  *method,
     const char  *path,
     const char  *key,
     const char  *body,
     JsonObject **answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;

  if (key != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  if (answer != NULL && bytes != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 g_bytes_get_size (bytes), NULL));
      *answer = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  return soup_message_get_status (msg);
}

static void
set_server_clock (gint64 offset)
{
  g_autofree char *body = g_strdup_printf ("{\"offset_seconds\": %" G_GINT64_FORMAT "}", offset);

  g_assert_cmpuint (api ("PUT", "/_test/clock", NULL, body, NULL), ==, 200);
}

static char *
keyring_lookup (const char *kind)
{
  const char *argv[] = { "secret-tool", "lookup", "tenant", "acme", "kind", kind, NULL };
  char *found = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &found, NULL, NULL, NULL));
  return g_strstrip (found);
}

/* A refresh to its end, which reached the tenant. */
static void
refresh_and_wait (void)
{
  refresh_done ();
  g_assert_null (pv_tenant_info_get_error (acme ()));
}

typedef struct {
  char *old;
} KeyWait;

static gboolean
key_changed_cb (gpointer data)
{
  g_autofree char *now = keyring_lookup ("admin-key");
  GtkWidget *button = find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Renew Key");

  return g_strcmp0 (now, data) != 0 && button != NULL && gtk_widget_is_sensitive (button);
}

static void
test_admin_key (void)
{
  g_autofree char *log = g_build_filename (workdir, "key-notifications.jsonl", NULL);
  const char *argv[] = { "/usr/bin/python3", g_getenv ("PV_FAKE_NOTIFICATIONS"), log, NULL };
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *old = NULL;
  g_autofree char *new = NULL;
  g_autofree char *previous = NULL;
  g_autoptr(JsonObject) keys = NULL;
  LinesWait w = { log, 1 };
  GtkWindow *dialog;

  known_state ();
  old = keyring_lookup ("admin-key");
  g_assert_cmpstr (old, ==, admin_key);

  /* The tenant page shows the key's expiry. */
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "Admin API key");
  g_assert_nonnull (find (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Renew Key"));

  /* Renew Key: the new key in the keyring, used, the old one forgotten and retiring. */
  click (GTK_WIDGET (window), "Renew Key");
  g_assert_true (spin_until (key_changed_cb, old, 20));
  new = keyring_lookup ("admin-key");
  previous = keyring_lookup ("admin-key-previous");
  g_assert_true (g_str_has_prefix (new, "pva_"));
  g_assert_cmpstr (previous, ==, "");
  g_assert_cmpuint (api ("GET", "/api/v1/keys", new, NULL, &keys), ==, 200);
  {
    JsonArray *list = json_object_get_array_member (keys, "keys");
    guint retiring = 0;

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *k = json_array_get_object_element (list, i);

        retiring += !json_object_get_null_member (k, "retires_at");
      }
    g_assert_cmpuint (retiring, ==, 1);   /* the new key was used: the old one retires once quiet */
  }
  refresh_and_wait ();                    /* the app asks with the new key */
  set_server_clock (400);                 /* past the retire grace */
  g_assert_cmpuint (api ("GET", "/api/v1/tenant", old, NULL, NULL), ==, 401);
  g_assert_cmpuint (api ("GET", "/api/v1/tenant", new, NULL, NULL), ==, 200);
  refresh_and_wait ();
  screenshot (GTK_WIDGET (window), "tenant-key-renewed");

  /* 13 days before the new key expires, by the tenant's clock (which only moves forward here,
   * as the rule of retirement expects): a next action and a reminder. */
  fake = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  ready = read_line (in);
  g_assert_cmpstr (ready, ==, "ready");
  set_server_clock (352 * 86400);
  /* The reminder pass, to its end, and all it sent in the stand-in's log */
  w.n = refresh_and_remind ();
  g_assert_null (pv_tenant_info_get_error (acme ()));
  g_assert_cmpuint (w.n, >=, 1);
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "Renew Provisio's admin API key for Acme Corp");
  g_assert_true (spin_until (lines_cb, &w, 20));
  g_assert_cmpuint (count_lines (log, "io.github.provisio.Provisio"), ==, w.n);
  g_assert_cmpuint (count_lines (log, "admin API key for Acme Corp expires in 13 days"), ==, 1);
  screenshot (GTK_WIDGET (window), "overview-key-due");
  g_subprocess_send_signal (fake, SIGTERM);

  /* Expired: said so, with what to do, and the keyring keeps what it had. */
  set_server_clock (366 * 86400);
  g_assert_true (pv_window_show_tenant (window, "acme"));
  wait_for_text (GTK_WIDGET (window), "Admin API key");
  click (GTK_WIDGET (window), "Renew Key");
  g_assert_true (spin_until (dialog_shown_cb, NULL, 20));
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "The Admin API Key Has Expired");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "tenant’s owner"));
  gtk_window_destroy (dialog);
  {
    g_autofree char *still = keyring_lookup ("admin-key");

    g_assert_cmpstr (still, ==, new);
  }
  set_server_clock (0);
  g_free (admin_key);
  admin_key = g_steal_pointer (&new);
  refresh_and_wait ();
}

static void
test_demo (void)
{
  known_state ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "demo", NULL);
  g_assert_true (spin_until (demo_ready_cb, NULL, 30));
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "Contoso");
  wait_for_text (GTK_WIDGET (window), "Renew the");
  wait_for_text (GTK_WIDGET (window), "Timly (demo)");
  screenshot (GTK_WIDGET (window), "demo-overview");
  /* A tracked app's Next Action opens its paste-once assistant: its new
   * token is made in the vendor's console, not issued by Provisio */
  {
    GtkWidget *label;
    GtkWindow *renew;

    wait_for_text (GTK_WIDGET (window), "Renew the Users token of Timly (demo)");
    label = find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Renew the Users token of Timly (demo)");
    click (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW), "Renew…");
    renew = wait_for_window (PV_TYPE_PASTE_RENEW_WINDOW);
    wait_for_text (GTK_WIDGET (renew), "In the Console of Timly");
    gtk_window_close (renew);
    g_assert_true (spin_until (window_gone_cb, GSIZE_TO_POINTER (PV_TYPE_PASTE_RENEW_WINDOW), 10));
  }
  /* The tracked app's page: its connections and dates */
  g_assert_true (pv_window_show_tenant (window, "timly-demo"));
  wait_for_text (GTK_WIDGET (window), "Renew in the Console of Timly");
  wait_for_text (GTK_WIDGET (window), "Person Provisioning");
  /* Its Persons token, revoked in the vendor's console: the vendor refuses it */
  wait_for_text (GTK_WIDGET (window), "The endpoint refuses the token (HTTP 401)");
  screenshot (GTK_WIDGET (window), "demo-tracked-app");
  /* On the dashboard, that refused token is urgent whatever its dates say */
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "Renew the Persons token of Timly (demo)");
  {
    GtkWidget *label = find (GTK_WIDGET (window), GTK_TYPE_LABEL, "Renew the Persons token of Timly (demo)");
    GtkWidget *row = gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW);

    g_assert_nonnull (find (row, GTK_TYPE_LABEL, "Refused by the vendor at the last check: provisioning has stopped"));
    GtkWidget *group = gtk_widget_get_ancestor (gtk_widget_get_parent (row), ADW_TYPE_EXPANDER_ROW);

    g_assert_nonnull (group);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (group)), ==, "Urgent");
  }
  g_action_group_activate_action (G_ACTION_GROUP (app), "leave-demo", NULL);
  g_assert_false (pv_application_get_demo (app));
  g_assert_nonnull (acme ());
}

/* The screenshots of the AppStream metainfo: the demo at 1280×720 (16:9,
 * as AppStream recommends), light and dark.  tools/update-screenshots
 * copies them to data/screenshots, which the metainfo refers to. */
static gboolean
window_is_1280x720_cb (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (window)) == 1280 &&
         gtk_widget_get_height (GTK_WIDGET (window)) == 720;
}

/* Closes the toasts the earlier tests left (libadwaita 1.2 has no API to
 * ask for them: they are AdwToastWidgets, their close button the last
 * button; under Xvfb no window is active, and toasts wait for that). */
static gboolean
no_toast_cb (gpointer data)
{
  GType type = g_type_from_name ("AdwToastWidget");
  GtkWidget *toast = type ? find (GTK_WIDGET (window), type, NULL) : NULL;
  GtkWidget *close = NULL;

  if (toast == NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (toast); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      close = child;
  if (close != NULL)
    gtk_widget_activate (close);
  return FALSE;
}

static void
test_appstream_screenshots (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  /* The default size counts the window's frame too: once for its size,
   * then for 1280×720 inside it. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  spin_for (500);
  gtk_window_set_default_size (GTK_WINDOW (window),
                               2 * 1280 - gtk_widget_get_width (GTK_WIDGET (window)),
                               2 * 720 - gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_true (spin_until (window_is_1280x720_cb, NULL, 10));
  g_action_group_activate_action (G_ACTION_GROUP (app), "demo", NULL);
  g_assert_true (spin_until (demo_ready_cb, NULL, 30));
  pv_window_show_overview (window);
  wait_for_text (GTK_WIDGET (window), "Renew the");
  /* What the earlier tests said is gone from the window */
  g_assert_true (spin_until (no_toast_cb, NULL, 30));
  screenshot (GTK_WIDGET (window), "appstream-overview-light");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (window), "appstream-overview-dark");
  g_assert_true (pv_window_show_tenant (window, "contoso"));
  wait_for_text (GTK_WIDGET (window), "SCIM base URL");
  screenshot (GTK_WIDGET (window), "appstream-tenant-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  screenshot (GTK_WIDGET (window), "appstream-tenant-light");
  g_action_group_activate_action (G_ACTION_GROUP (app), "leave-demo", NULL);
  g_assert_false (pv_application_get_demo (app));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
}

/* Without a Secret Service: the app says so and keeps nothing elsewhere. */
static void
test_no_keyring (void)
{
  GtkWindow *dialog;
  g_autofree char *tenants_file = g_build_filename (workdir, "tenants.ini", NULL);

  wait_for_text (GTK_WIDGET (window), "Connect a Tenant");
  click (GTK_WIDGET (window), "Connect a Tenant");
  dialog = wait_for_window (PV_TYPE_CONNECT_WINDOW);
  set_row_text (GTK_WIDGET (dialog), "Name", "acme");
  set_row_text (GTK_WIDGET (dialog), "Server address", server_url);
  set_row_text (GTK_WIDGET (dialog), "Admin API key", admin_key);
  click (GTK_WIDGET (dialog), "Connect");
  wait_for_text (GTK_WIDGET (dialog), "keyring");
  g_assert_false (g_file_test (tenants_file, G_FILE_TEST_EXISTS));
  screenshot (GTK_WIDGET (window), "no-keyring");
  gtk_window_close (dialog);
}

static gboolean
window_mapped_cb (gpointer data)
{
  window = PV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  gboolean no_keyring = g_getenv ("PV_TEST_NO_KEYRING") != NULL;
  int status;

  workdir = app_test_init (&argc, &argv, "provisio-test-app");
  start_server ();
  if (!no_keyring)
    start_fake_entra ();

  app = pv_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (spin_until (window_mapped_cb, NULL, 20));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  spin_for (200);

  if (no_keyring)
    g_test_add_func ("/app/no-keyring", test_no_keyring);
  else
    {
      g_test_add_func ("/app/first-run", test_first_run);
      g_test_add_func ("/app/connect", test_connect);
      g_test_add_func ("/app/add-menu", test_add_menu);
      g_test_add_func ("/app/add-app", test_add_app);
      g_test_add_func ("/app/tracked-app-entra", test_tracked_app_entra);
      g_test_add_func ("/app/connect-pinned", test_connect_pinned);
      g_test_add_func ("/app/tenant-panels", test_tenant_panels);
      g_test_add_func ("/app/setup", test_setup);
      g_test_add_func ("/app/renew", test_renew);
      g_test_add_func ("/app/entra", test_entra);
      g_test_add_func ("/app/entra-import", test_entra_import);
      g_test_add_func ("/app/dashboard", test_dashboard);
      g_test_add_func ("/app/revoke", test_revoke);
      g_test_add_func ("/app/notification-action", test_notification_action);
      g_test_add_func ("/app/reminders", test_reminders);
      g_test_add_func ("/app/background", test_background);
      g_test_add_func ("/app/server-down", test_server_down);
      g_test_add_func ("/app/recovers", test_recovers);
      g_test_add_func ("/app/admin-key", test_admin_key);
      g_test_add_func ("/app/demo", test_demo);
      g_test_add_func ("/app/appstream-screenshots", test_appstream_screenshots);
    }
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  if (server != NULL)
    stop_server ();
  if (fake_entra != NULL)
    {
      g_subprocess_send_signal (fake_entra, SIGTERM);
      g_subprocess_wait (fake_entra, NULL, NULL);
      g_clear_object (&fake_entra);
    }
  {
    const char *argv_rm[] = { "rm", "-rf", workdir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
