/* test-app-entra.c: the app against Microsoft as it really answers, under
 * Xvfb, with a real provisiod, a real gnome-keyring on a private bus and
 * the local stand-in for Microsoft's sign-in and Graph
 * (tests/server/fake_entra.py), driven through the app's windows
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case of issue #23 as the admin meets it in the app: the sign-in
 * slowed down (slow_down) or its code forgotten (bad_verification_code);
 * a scope on a host that is not the cloud's Graph (AADSTS70011); no
 * offline_access, so no refresh token; missing rights and missing admin
 * consent (401 UnknownError on a working sign-in); MFA or Conditional
 * Access asked for again at a refresh; Graph busy (503, 504, Retry-After
 * as a date) while the app waits and counts down; and a national cloud,
 * China (21Vianet), end to end by its real host names, which this test
 * routes to the stand-in through a proxy and a certificate of its own.
 * Every text the app shows is checked for Microsoft's tokens and the new
 * SCIM token.
 *
 * Each test starts from the same state (start_clean()): the stand-in as
 * when started with the tenant's two Entra apps, the app signed out, on
 * the stand-in's own address, with no window but the main one, and the
 * Users connection with one token.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "pv-application.h"
#include "pv-entra-session.h"
#include "pv-entra-ui.h"
#include "pv-graph.h"
#include "pv-renew-window.h"
#include "pv-tenant-list.h"
#include "pv-window.h"

#include "app-test-util.h"

static PvApplication *app;
static char *workdir;
static GSubprocess *server;
static char *server_url;
static char *admin_key;
static GSubprocess *fake;
static char *fake_url;

/* The hosts of Microsoft's China cloud, which this process reaches only
 * through the stand-in (see TestProxy) */
static const char *china_hosts[] = { "login.partner.microsoftonline.cn", "microsoftgraph.chinacloudapi.cn", NULL };

#define SIGN_IN_TITLE "Sign In to Microsoft Entra"
#define LINK_TITLE "Link the Users Connection to Its Entra App"
#define ALL_SCOPES "[\"Synchronization.ReadWrite.All\", \"Application.Read.All\", \"offline_access\", " \
                   "\"openid\", \"profile\"]"

/* -- China's hosts through the stand-in -------------------------------- */

/* The proxy resolver of this process: Microsoft's China hosts through the
 * stand-in (an HTTP proxy that ends the tunnel itself), everything else
 * directly.  The app's code is the one a person behind a proxy runs; only
 * where the network leads is the test's. */
typedef struct {
  GObject parent_instance;
} TestProxy;

typedef GObjectClass TestProxyClass;

GType test_proxy_get_type (void);
static void test_proxy_iface_init (GProxyResolverInterface *iface);

G_DEFINE_TYPE_WITH_CODE (TestProxy, test_proxy, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER, test_proxy_iface_init))

static void
test_proxy_class_init (TestProxyClass *klass)
{
}

static void
test_proxy_init (TestProxy *self)
{
}

static char **
test_proxy_lookup (GProxyResolver  *resolver,
                   const char      *uri,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *host = parsed != NULL ? g_uri_get_host (parsed) : NULL;
  char *proxies[] = { (char *) "direct://", NULL };

  if (host != NULL && g_strv_contains (china_hosts, host))
    proxies[0] = fake_url;
  return g_strdupv (proxies);
}

static void
test_proxy_lookup_async (GProxyResolver      *resolver,
                         const char          *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_pointer (task, test_proxy_lookup (resolver, uri, cancellable, NULL), (GDestroyNotify) g_strfreev);
}

static char **
test_proxy_lookup_finish (GProxyResolver  *resolver,
                          GAsyncResult    *result,
                          GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
test_proxy_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static void
test_proxy_iface_init (GProxyResolverInterface *iface)
{
  iface->lookup = test_proxy_lookup;
  iface->lookup_async = test_proxy_lookup_async;
  iface->lookup_finish = test_proxy_lookup_finish;
  iface->is_supported = test_proxy_is_supported;
}

/* A certificate for China's hosts, made for this run, which this process
 * alone trusts; the stand-in shows it at the end of the tunnel. */
static void
make_certificate (char **cert,
                  char **key)
{
  g_autofree char *san = g_strdup_printf ("subjectAltName=DNS:%s,DNS:%s", china_hosts[0], china_hosts[1]);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  *cert = g_build_filename (workdir, "microsoft.pem", NULL);
  *key = g_build_filename (workdir, "microsoft.key", NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=Provisio test stand-in for Microsoft", "-addext", san,
                           "-keyout", *key, "-out", *cert, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  database = g_tls_file_database_new (*cert, &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
}

/* -- provisiod and the tenant ------------------------------------------- */

static void
start_provisiod (void)
{
  g_autofree char *db = g_build_filename (workdir, "tenant.db", NULL);

  server = provisiod_start (db, &server_url, &admin_key);
}

/* The management API as an admin's script would call it. */
static JsonObject *
management (const char *method,
            const char *path,
            guint       expected)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (server_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autofree char *bearer = g_strconcat ("Bearer ", admin_key, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected);
  if (g_bytes_get_size (body) == 0)
    return NULL;
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static PvTenantInfo *
acme (void)
{
  return pv_tenant_list_lookup (pv_application_get_tenants (app), "acme");
}

static char *
users_url (void)
{
  g_autoptr(JsonObject) connection = management ("GET", "/api/v1/provisioning/users", 200);

  return g_strdup (json_object_get_string_member (connection, "scim_base_url"));
}

/* -- a known state before each test ------------------------------------- */

static JsonObject *
control (const char *what,
         const char *body)
{
  return fake_entra_control (fake_url, what, body);
}

static void
set (const char *body)
{
  json_object_unref (control ("set", body));
}

static PvEntraSession *
entra (void)
{
  return pv_application_get_entra (app);
}

static gboolean
signed_in_cb (gpointer data)
{
  return pv_entra_session_get_signed_in (entra ());
}

static gboolean
signed_out_cb (gpointer data)
{
  return !pv_entra_session_get_signed_in (entra ());
}

static void
configure (const char *cloud)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pv_entra_session_configure (entra (), cloud, "contoso.example", NULL, &error));
  g_assert_no_error (error);
}

/* The Users connection with one token, as before a renewal */
static void
one_users_token (void)
{
  g_autoptr(JsonObject) connection = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *tokens;

  connection = management ("GET", "/api/v1/provisioning/users", 200);
  tokens = json_object_get_array_member (connection, "tokens");
  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      JsonObject *token = json_array_get_object_element (tokens, i);
      g_autofree char *path = NULL;

      /* force: Entra may have used it already */
      path = g_strdup_printf ("/api/v1/provisioning/users/tokens/%s?force=true",
                              json_object_get_string_member (token, "id"));
      g_clear_pointer (&answer, json_object_unref);
      answer = management ("DELETE", path, 200);
    }
  g_clear_pointer (&answer, json_object_unref);
  answer = management ("POST", "/api/v1/provisioning/users/tokens", 201);
}

static void
start_clean (void)
{
  PvWindow *main_window = PV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_autofree char *users = users_url ();
  g_autofree char *apps = NULL;

  close_windows_but (GTK_WINDOW (main_window));

  /* Microsoft as new, with the tenant's two Entra apps */
  json_object_unref (control ("reset", "{}"));
  apps = g_strdup_printf ("{\"id\": \"11111111-aaaa\", \"displayName\": \"Acme Users\", \"base_address\": \"%s\"}",
                          users);
  json_object_unref (control ("app", apps));
  json_object_unref (control ("app", "{\"id\": \"22222222-bbbb\", \"displayName\": \"Acme Persons\", "
                                     "\"base_address\": \"https://persons.example/scim/v2\"}"));

  /* The app signed out, on the stand-in's own address, nothing linked */
  configure ("custom");
  pv_entra_session_sign_out (entra ());
  g_assert_true (spin_until (signed_out_cb, NULL, 10));
  pv_entra_session_link (entra (), "acme", "users", NULL);

  one_users_token ();
}

/* -- what the app shows ------------------------------------------------- */

/* Every text a person can read in @widget and below: labels, titles and
 * subtitles of rows and groups, buttons, entries.  (The renew assistant
 * shows the new token on its own page, once; the other pages must not.) */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  const char *texts[3] = { visible_text (widget), NULL, NULL };

  if (ADW_IS_ACTION_ROW (widget))
    texts[1] = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    texts[1] = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    texts[1] = adw_status_page_get_description (ADW_STATUS_PAGE (widget));
  if (GTK_IS_EDITABLE (widget))
    texts[2] = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (GTK_IS_PROGRESS_BAR (widget))
    texts[2] = gtk_progress_bar_get_text (GTK_PROGRESS_BAR (widget));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && *texts[i] != '\0')
      g_string_append_printf (out, "%s\n", texts[i]);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    /* Of a stack, its visible page only */
    if (gtk_widget_get_visible (child) &&
        (!GTK_IS_STACK (widget) || gtk_stack_get_visible_child (GTK_STACK (widget)) == child))
      collect_text (child, out);
}

static char *
all_text (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (w))
        collect_text (w, out);
    }
  return g_string_free (out, FALSE);
}

/* No secret in anything the app shows: none of Microsoft's tokens (the
 * stand-in's access tokens start "eyJ0eXAi.", its refresh tokens "0.AAAA",
 * its device codes "DAQABAAEAAAD"), and not @secret if given. */
static void
assert_no_secret_shown (const char *secret)
{
  g_autofree char *text = all_text ();

  g_assert_null (strstr (text, "eyJ0eXAi."));
  g_assert_null (strstr (text, "0.AAAA"));
  g_assert_null (strstr (text, "DAQABAAEAAAD"));
  g_assert_null (strstr (text, "Bearer "));
  if (secret != NULL)
    g_assert_null (strstr (text, secret));
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} Shown;

static gboolean
text_anywhere_cb (gpointer data)
{
  Shown *s = data;
  GString *out = g_string_new (NULL);
  gboolean found;

  collect_text (s->root, out);
  found = strstr (out->str, s->text) != NULL;
  g_string_free (out, TRUE);
  return found;
}

/* Like wait_for_text(), with subtitles and descriptions too. */
static void
wait_for_any_text (GtkWidget  *root,
                   const char *text)
{
  Shown s = { root, text };

  if (!spin_until (text_anywhere_cb, &s, 30))
    {
      g_autofree char *shown = all_text ();

      g_error ("“%s” did not show; shown:\n%s", text, shown);
    }
}

static gboolean
shows_any_text (GtkWidget  *root,
                const char *text)
{
  Shown s = { root, text };

  return text_anywhere_cb (&s);
}

/* -- signing in and linking --------------------------------------------- */

static GtkWindow *
open_sign_in (void)
{
  GtkWindow *main_window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *sign_in = pv_entra_sign_in_window_new (main_window, entra ());

  gtk_window_present (sign_in);
  return sign_in;
}

static void
sign_in (void)
{
  GtkWindow *window = open_sign_in ();

  wait_for_text (GTK_WIDGET (window), "enter this code");
  json_object_unref (control ("approve", "{}"));
  g_assert_true (spin_until (signed_in_cb, NULL, 20));
  g_assert_true (spin_until (titled_gone_cb, (gpointer) SIGN_IN_TITLE, 10));
}

static void
link_users (void)
{
  GtkWindow *main_window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *link = pv_entra_link_window_new (main_window, entra (), acme (), "users");

  gtk_window_present (link);
  wait_for_text (GTK_WIDGET (link), "Uses this connection's tenant URL");
  assert_no_secret_shown (NULL);
  click (GTK_WIDGET (link), "Link");
  g_assert_true (spin_until (titled_gone_cb, (gpointer) LINK_TITLE, 10));
}

/* Renews the Users token and has the app hand it to Entra, the stand-in
 * set so (@set, if any) just before; returns the assistant once the
 * hand-over has started, and the new token. */
static GtkWindow *
renew_and_hand_over_with (const char  *set_first,
                          char       **secret)
{
  GtkWindow *assistant;

  one_users_token ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "renew", g_variant_new ("(ss)", "acme", "users"));
  assistant = wait_for_window (PV_TYPE_RENEW_WINDOW);
  wait_for_button (GTK_WIDGET (assistant), "Issue New Token");
  click (GTK_WIDGET (assistant), "Issue New Token");
  g_assert_true (spin_until (step_is_cb, (gpointer) "secret", 20));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "renew.copy", NULL);
  *secret = read_clipboard (GTK_WIDGET (assistant));
  g_assert_true (g_str_has_prefix (*secret, "pvs_"));
  wait_for_button (GTK_WIDGET (assistant), "Update “Acme Users” for Me");
  if (set_first != NULL)
    set (set_first);
  click (GTK_WIDGET (assistant), "Update “Acme Users” for Me");
  g_assert_true (step_is_cb ((gpointer) "steps"));
  return assistant;
}

static GtkWindow *
renew_and_hand_over (char **secret)
{
  return renew_and_hand_over_with (NULL, secret);
}

/* The hand-over's outcome as the assistant says it */
static void
wait_for_hand_over (GtkWindow  *assistant,
                    const char *outcome)
{
  wait_for_any_text (GTK_WIDGET (assistant), outcome);
}

static gboolean
handed_over_cb (gpointer data)
{
  return step_is_cb ((gpointer) "waiting") || step_is_cb ((gpointer) "done");
}

/* Entra took the token: the assistant goes on to wait for its first use
 * (or has seen it already). */
static void
wait_for_handed_over (GtkWindow *assistant)
{
  if (!spin_until (handed_over_cb, NULL, 30))
    {
      g_autofree char *shown = all_text ();

      g_error ("The hand-over did not end; shown:\n%s", shown);
    }
}

static char *
secret_digest (void)
{
  g_autoptr(JsonObject) state = control ("state", "{}");
  JsonObject *users = json_object_get_object_member (json_object_get_object_member (state, "apps"), "11111111-aaaa");

  return g_strdup (json_object_get_string_member (users, "secret_sha256"));
}

/* -- the tests ---------------------------------------------------------- */

/* RFC 8628 slow_down: the app polls 5 s further apart, and signs in. */
static void
test_slow_down (void)
{
  g_autoptr(JsonObject) state = NULL;
  JsonArray *polls;
  GtkWindow *window;

  start_clean ();
  set ("{\"interval\": 1, \"slow_down\": 1}");
  window = open_sign_in ();
  wait_for_text (GTK_WIDGET (window), "enter this code");
  /* Until the second poll: slow_down, then pending 6 s later */
  for (guint n = 0; n < 2; )
    {
      g_autoptr(JsonObject) s = control ("state", "{}");

      n = json_array_get_length (json_object_get_array_member (s, "polls"));
      spin_for (200);
      g_assert_true (shows_text (GTK_WIDGET (window), "enter this code"));
    }
  state = control ("state", "{}");
  polls = json_object_get_array_member (state, "polls");
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (polls, 0), 1), ==, "slow_down");
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (polls, 1), 1), ==, "pending");
  {
    double gap = json_array_get_double_element (json_array_get_array_element (polls, 1), 0) -
                 json_array_get_double_element (json_array_get_array_element (polls, 0), 0);

    g_test_message ("polls %.1f s apart after slow_down", gap);
    g_assert_cmpfloat (gap, >=, 5.9);
    g_assert_cmpfloat (gap, <, 8.0);
  }
  /* Still waiting, with nothing said wrong; then the admin signs in */
  g_assert_false (shows_text (GTK_WIDGET (window), "Try Again"));
  json_object_unref (control ("approve", "{}"));
  g_assert_true (spin_until (signed_in_cb, NULL, 20));
  g_assert_true (spin_until (titled_gone_cb, (gpointer) SIGN_IN_TITLE, 10));
}

/* bad_verification_code: Microsoft no longer knows the code.  The window
 * says so and offers to start again, which works. */
static void
test_bad_verification_code (void)
{
  GtkWindow *window;

  start_clean ();
  window = open_sign_in ();
  wait_for_text (GTK_WIDGET (window), "enter this code");
  set ("{\"forget_codes\": true}");
  wait_for_text (GTK_WIDGET (window), "Microsoft did not recognise the sign-in code; start again");
  g_assert_false (shows_text (GTK_WIDGET (window), "enter this code"));
  g_assert_false (pv_entra_session_get_signed_in (entra ()));
  assert_no_secret_shown (NULL);
  click (GTK_WIDGET (window), "Try Again");
  wait_for_text (GTK_WIDGET (window), "enter this code");
  json_object_unref (control ("approve", "{}"));
  g_assert_true (spin_until (signed_in_cb, NULL, 20));
  g_assert_true (spin_until (titled_gone_cb, (gpointer) SIGN_IN_TITLE, 10));
}

/* A scope on a host that is not the cloud's Graph: Microsoft's AADSTS70011,
 * said as what it means.  The stand-in is Graph at 127.0.0.1 only; the
 * app is told Graph is at localhost. */
static void
test_invalid_scope (void)
{
  PvEntraConfig *config = pv_entra_session_get_config (entra ());
  g_autofree char *graph = g_strdup (config->graph_url);
  GtkWindow *window;

  start_clean ();
  g_free (config->graph_url);
  config->graph_url = g_strdup_printf ("http://localhost:%s", strrchr (fake_url, ':') + 1);
  configure ("custom");
  window = open_sign_in ();
  wait_for_text (GTK_WIDGET (window), "Microsoft refused the permissions Provisio asks for on this cloud "
                                      "(AADSTS70011:");
  g_assert_true (shows_text (GTK_WIDGET (window), "Try Again"));
  g_assert_false (shows_text (GTK_WIDGET (window), "Trace ID"));
  g_assert_false (pv_entra_session_get_signed_in (entra ()));
  assert_no_secret_shown (NULL);
  gtk_window_destroy (window);
  g_free (config->graph_url);
  config->graph_url = g_steal_pointer (&graph);
  configure ("custom");
}

/* A client without offline_access: Microsoft signs in but gives no refresh
 * token; the app says it cannot stay signed in, and why. */
static void
test_no_offline_access (void)
{
  GtkWindow *window;
  GtkWindow *prefs;

  start_clean ();
  set ("{\"consented\": [\"Synchronization.ReadWrite.All\", \"Application.Read.All\", \"openid\", \"profile\"]}");
  window = open_sign_in ();
  wait_for_text (GTK_WIDGET (window), "enter this code");
  json_object_unref (control ("approve", "{}"));
  wait_for_text (GTK_WIDGET (window), "Microsoft signed the account in but gave no refresh token, so the sign-in "
                                      "cannot be kept; the client needs the offline_access permission");
  assert_no_secret_shown (NULL);
  g_assert_false (pv_entra_session_get_signed_in (entra ()));
  gtk_window_destroy (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  wait_for_text (GTK_WIDGET (prefs), "Not signed in");
  gtk_window_close (prefs);
}

/* Missing rights and missing admin consent: Graph answers 401 UnknownError
 * on a sign-in that works.  The app names what is missing, keeps the
 * sign-in, and the new token is not lost. */
static void
test_missing_rights_and_consent (void)
{
  GtkWindow *assistant;
  g_autofree char *secret = NULL;
  g_autofree char *consent_secret = NULL;

  start_clean ();
  sign_in ();
  link_users ();

  /* Without the role */
  assistant = renew_and_hand_over_with ("{\"role\": false}", &secret);
  wait_for_hand_over (assistant, "Entra was not updated");
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "The Microsoft sign-in works, but the account may not "
                                                         "manage provisioning; it needs the Application "
                                                         "Administrator or Cloud Application Administrator role"));
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "Nothing is lost"));
  g_assert_false (shows_any_text (GTK_WIDGET (assistant), "sign in again"));
  g_assert_true (pv_entra_session_get_signed_in (entra ()));
  assert_no_secret_shown (secret);
  /* Nothing lost: the manual steps are there, Entra holds no new token */
  g_assert_true (shows_text (GTK_WIDGET (assistant), "Paste the new token into"));
  g_assert_null (secret_digest ());
  gtk_window_destroy (assistant);

  /* Without admin consent for Synchronization.ReadWrite.All: the access
   * token the app holds lapses, the refresh is granted without it */
  assistant = renew_and_hand_over_with ("{\"role\": true, \"expire_access\": true, \"consented\": "
                                        "[\"Application.Read.All\", \"offline_access\", \"openid\", \"profile\"]}",
                                        &consent_secret);
  wait_for_hand_over (assistant, "Entra was not updated");
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "The Microsoft sign-in works, but "
                                                         "Synchronization.ReadWrite.All was not consented to for it; "
                                                         "an administrator grants admin consent for that permission "
                                                         "to the client"));
  g_assert_false (shows_any_text (GTK_WIDGET (assistant), "sign in again"));
  g_assert_true (pv_entra_session_get_signed_in (entra ()));
  assert_no_secret_shown (consent_secret);
  g_assert_null (secret_digest ());
  gtk_window_destroy (assistant);
}

/* MFA asked for again at a refresh (interaction_required, AADSTS50076):
 * the hand-over says to sign in again, with the code, and the app shows
 * itself signed out.  A Conditional Access block at a refresh
 * (AADSTS53003): signing in again would not help; the sign-in is kept. */
static void
test_refresh_refused (void)
{
  GtkWindow *assistant;
  GtkWindow *prefs;
  g_autofree char *secret = NULL;
  g_autofree char *blocked_secret = NULL;

  start_clean ();
  sign_in ();
  link_users ();
  assistant = renew_and_hand_over_with ("{\"expire_access\": true, \"refuse\": {\"at\": \"refresh\", "
                                        "\"aadsts\": 50076}}", &secret);
  wait_for_hand_over (assistant, "Entra was not updated");
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "Microsoft asks for multi-factor authentication again; "
                                                         "sign in again (AADSTS50076:"));
  g_assert_false (shows_any_text (GTK_WIDGET (assistant), "Trace ID"));
  assert_no_secret_shown (secret);
  g_assert_null (secret_digest ());
  gtk_window_destroy (assistant);
  g_assert_true (spin_until (signed_out_cb, NULL, 10));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  wait_for_text (GTK_WIDGET (prefs), "Not signed in");
  gtk_window_close (prefs);

  /* Signed in again: the link holds, and a policy now blocks the refresh */
  set ("{\"refuse\": null}");
  sign_in ();
  assistant = renew_and_hand_over_with ("{\"expire_access\": true, \"refuse\": {\"at\": \"refresh\", "
                                        "\"aadsts\": 53003}}", &blocked_secret);
  wait_for_hand_over (assistant, "Entra was not updated");
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "A Conditional Access policy of the directory blocks this "
                                                         "sign-in"));
  g_assert_true (shows_any_text (GTK_WIDGET (assistant), "(AADSTS53003:"));
  assert_no_secret_shown (blocked_secret);
  gtk_window_destroy (assistant);
  g_assert_true (pv_entra_session_get_signed_in (entra ()));
  /* Once the policy allows it, the kept sign-in works again */
  set ("{\"refuse\": null}");
  g_clear_pointer (&blocked_secret, g_free);
  assistant = renew_and_hand_over (&blocked_secret);
  wait_for_handed_over (assistant);
  gtk_window_destroy (assistant);
}

typedef struct {
  GtkWidget  *root;
  GtkWidget  *row;
  GHashTable *said;    /* what the waiting step said, each different text once */
} Watch;

/* Until the hand-over ends, what the step says while it waits */
static gboolean
watch_cb (gpointer data)
{
  Watch *w = data;
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (w->row));

  if (subtitle != NULL && g_str_has_prefix (subtitle, "Microsoft Graph is busy; trying again in "))
    g_hash_table_add (w->said, g_strdup (subtitle));
  return handed_over_cb (NULL) || shows_any_text (w->root, "Entra was not updated");
}

/* Graph busy: 503, then 504, each with Retry-After as an HTTP date.  The
 * app waits as asked, says so (in the link window on its progress bar; in
 * the renew assistant on the running step with the seconds left and a
 * spinner), then goes on by itself. */
static void
test_graph_busy (void)
{
  const struct { int status; } cases[] = { { 503 }, { 504 } };
  GtkWindow *main_window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *link;

  start_clean ();
  sign_in ();
  set ("{\"throttle\": 1, \"throttle_status\": 503, \"retry_after_date\": true, \"retry_after\": 3}");
  link = pv_entra_link_window_new (main_window, entra (), acme (), "users");
  gtk_window_present (link);
  wait_for_any_text (GTK_WIDGET (link), "Microsoft Graph is busy; trying again in ");
  wait_for_text (GTK_WIDGET (link), "Uses this connection's tenant URL");
  click (GTK_WIDGET (link), "Link");
  g_assert_true (spin_until (titled_gone_cb, (gpointer) LINK_TITLE, 10));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Retry-After as a date 4 s on: a wait of 3 s or more, whole seconds */
      g_autofree char *busy = g_strdup_printf ("{\"throttle\": 1, \"throttle_status\": %d, \"retry_after_date\": true, "
                                               "\"retry_after\": 4}", cases[i].status);
      g_autofree char *secret = NULL;
      g_autofree char *digest = NULL;
      g_autoptr(JsonObject) state = NULL;
      JsonArray *log;
      gboolean answered = FALSE;
      GtkWindow *assistant;
      GtkWidget *row;
      g_autoptr(GHashTable) said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      Watch watch = { NULL, NULL, said };

      assistant = renew_and_hand_over_with (busy, &secret);
      /* The first step waits, saying so, with its spinner */
      wait_for_any_text (GTK_WIDGET (assistant), "Microsoft Graph is busy; trying again in ");
      row = find (GTK_WIDGET (assistant), ADW_TYPE_ACTION_ROW, "Save the tenant URL and the new token");
      g_assert_nonnull (row);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "second"));
      g_assert_nonnull (find (row, GTK_TYPE_SPINNER, NULL));
      assert_no_secret_shown (secret);
      watch.root = GTK_WIDGET (assistant);
      watch.row = row;
      g_assert_true (spin_until (watch_cb, &watch, 30));
      /* It counted down: "3 seconds…", then fewer */
      g_assert_cmpuint (g_hash_table_size (said), >=, 2);
      g_assert_true (handed_over_cb (NULL));
      /* Done, the step no longer says it waits */
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "");
      /* The wait was real: Graph answered busy once, then took the token */
      state = control ("state", "{}");
      log = json_object_get_array_member (state, "log");
      for (guint j = 0; j < json_array_get_length (log); j++)
        answered |= json_array_get_int_element (json_array_get_array_element (log, j), 2) == cases[i].status;
      g_assert_true (answered);
      digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
      {
        g_autofree char *held = secret_digest ();

        g_assert_cmpstr (held, ==, digest);
      }
      assert_no_secret_shown (secret);
      gtk_window_destroy (assistant);
    }
}

/* China (21Vianet), by its real hosts: sign in at
 * login.partner.microsoftonline.cn, Graph at microsoftgraph.chinacloudapi.cn,
 * link and hand over; Entra's credential test, which Microsoft does not
 * offer there, is said to be skipped before and during the renewal, and
 * never called. */
static void
test_national_cloud (void)
{
  GtkWindow *prefs, *assistant;
  g_autofree char *secret = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *held = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonArray *log;
  guint china_calls = 0;

  start_clean ();
  configure ("china");
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (ADW_TYPE_PREFERENCES_WINDOW);
  wait_for_any_text (GTK_WIDGET (prefs), "In the cloud China (operated by 21Vianet) Microsoft does not offer Entra's "
                                         "credential test");
  gtk_window_close (prefs);

  sign_in ();
  g_assert_cmpstr (pv_graph_get_graph_url (pv_entra_session_get_graph (entra ())), ==,
                   "https://microsoftgraph.chinacloudapi.cn");
  link_users ();
  assistant = renew_and_hand_over (&secret);
  /* Said on the step, while the hand-over runs */
  wait_for_any_text (GTK_WIDGET (assistant), "Not available in the cloud China (operated by 21Vianet); Entra's next "
                                             "provisioning cycle uses the saved token instead");
  wait_for_handed_over (assistant);
  assert_no_secret_shown (secret);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
  held = secret_digest ();
  g_assert_cmpstr (held, ==, digest);
  state = control ("state", "{}");
  log = json_object_get_array_member (state, "log");
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      const char *path = json_array_get_string_element (json_array_get_array_element (log, i), 1);

      g_assert_false (g_str_has_suffix (path, "/validateCredentials"));
      china_calls += g_str_has_prefix (path, "/v1.0/servicePrincipals");
    }
  g_assert_cmpuint (china_calls, >, 0);
  gtk_window_destroy (assistant);
  configure ("custom");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *config = NULL;
  int status;

  /* Before anything asks for it: this process's proxy resolver */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "pv-test", TRUE);
  g_vfs_get_default ();   /* GIO's extension points, registered */
  g_io_extension_point_implement (G_PROXY_RESOLVER_EXTENSION_POINT_NAME, test_proxy_get_type (), "pv-test", 1000);
  workdir = app_test_init (&argc, &argv, "provisio-test-app-entra");
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (g_proxy_resolver_get_default (), test_proxy_get_type ()));
  make_certificate (&cert, &key);
  start_provisiod ();
  fake = fake_entra_start (cert, key, &fake_url);
  /* Where the app signs in: the stand-in, as a custom cloud */
  dir = g_build_filename (g_get_user_config_dir (), "provisio", NULL);
  ini = g_build_filename (dir, "entra.ini", NULL);
  config = g_strdup_printf ("[entra]\ncloud=custom\nlogin-url=%s\ngraph-url=%s\ndirectory=contoso.example\n",
                            fake_url, fake_url);
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (ini, config, -1, NULL));

  app = pv_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (spin_until (app_window_mapped_cb, app, 20));

  add_tenant (pv_application_get_tenants (app), "acme", server_url, admin_key);

  g_test_add_func ("/app-entra/sign-in/slow-down", test_slow_down);
  g_test_add_func ("/app-entra/sign-in/bad-verification-code", test_bad_verification_code);
  g_test_add_func ("/app-entra/sign-in/invalid-scope", test_invalid_scope);
  g_test_add_func ("/app-entra/sign-in/no-offline-access", test_no_offline_access);
  g_test_add_func ("/app-entra/graph/missing-rights-and-consent", test_missing_rights_and_consent);
  g_test_add_func ("/app-entra/graph/refresh-refused", test_refresh_refused);
  g_test_add_func ("/app-entra/graph/busy", test_graph_busy);
  g_test_add_func ("/app-entra/national-cloud/china", test_national_cloud);
  status = g_test_run ();

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
  {
    const char *argv_rm[] = { "rm", "-rf", workdir, NULL };

    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (workdir);
  return status;
}
