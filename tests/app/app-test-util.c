/* app-test-util.c: driving the app's widgets as a person would, for the
 * tests under Xvfb (test-app, test-app-windows)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "pv-renew-window.h"
#include "pv-tenant-list.h"

#include "app-test-util.h"

/* Spinning the main loop until something shows, as a person would wait */

gboolean
spin_until (Condition condition,
            gpointer  data,
            guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Finding widgets by what a person sees */

char *
without_mnemonic (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; p && *p; p++)
    if (*p != '_')
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

const char *
visible_text (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_label (GTK_LABEL (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  return NULL;
}

gboolean
is_shown (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      GtkWidget *parent = gtk_widget_get_parent (w);

      if (!gtk_widget_get_visible (w))
        return FALSE;
      /* Only the visible page of a stack */
      if (parent != NULL && GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != w)
        return FALSE;
    }
  return TRUE;
}

GtkWidget *
find (GtkWidget  *root,
      GType       type,
      const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && is_shown (child))
        {
          g_autofree char *plain = without_mnemonic (visible_text (child));

          if (text == NULL || (plain && strstr (plain, text)))
            return child;
        }
      if ((found = find (child, type, text)))
        return found;
    }
  return NULL;
}

void
count_text (GtkWidget  *root,
            const char *text,
            guint      *n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *t = visible_text (child);

      if (t && strstr (t, text) && is_shown (child))
        (*n)++;
      count_text (child, text, n);
    }
}

gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  guint n = 0;

  count_text (root, text, &n);
  return n > 0;
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} TextWait;

static gboolean
text_shown_cb (gpointer data)
{
  TextWait *w = data;

  return shows_text (w->root, w->text);
}

void
wait_for_text (GtkWidget  *root,
               const char *text)
{
  TextWait w = { root, text };

  if (!spin_until (text_shown_cb, &w, 20))
    g_error ("“%s” did not show", text);
}

static gboolean
button_shown_cb (gpointer data)
{
  TextWait *w = data;

  return find (w->root, GTK_TYPE_BUTTON, w->text) != NULL;
}

/* The renew assistant reads the tenant again when it opens: until that
 * answer is in, it shows what stood in the way as last known (a token a
 * test has just revoked behind the app's back). */
void
wait_for_button (GtkWidget  *root,
                 const char *label)
{
  TextWait w = { root, label };

  if (!spin_until (button_shown_cb, &w, 20))
    g_error ("No button “%s” showed", label);
}

void
click (GtkWidget *root,
       const char *label)
{
  GtkWidget *button = find (root, GTK_TYPE_BUTTON, label);

  if (button == NULL)
    g_error ("No button “%s”", label);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

GtkWindow *
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

gboolean
window_shown_cb (gpointer data)
{
  return find_window ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

gboolean
window_gone_cb (gpointer data)
{
  return find_window ((GType) GPOINTER_TO_SIZE (data)) == NULL;
}

GtkWindow *
wait_for_window (GType type)
{
  if (!spin_until (window_shown_cb, GSIZE_TO_POINTER (type), 20))
    g_error ("No %s showed", g_type_name (type));
  return find_window (type);
}

void
set_row_text (GtkWidget  *root,
              const char *title,
              const char *text)
{
  GtkWidget *row = find (root, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* A child process (provisiod, a stand-in) goes with the test, even when
 * it aborts: a GSubprocessLauncher's child setup. */
void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The clipboard, read back as another app would paste it */

static char *clipboard_text;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  clipboard_text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  /* Cleared: read as empty, not as nothing yet. */
  if (clipboard_text == NULL)
    clipboard_text = g_strdup ("");
}

char *
read_clipboard (GtkWidget *widget)
{
  g_clear_pointer (&clipboard_text, g_free);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, NULL);
  while (clipboard_text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (&clipboard_text);
}

/* Whether the renew assistant shows the step named @data. */
gboolean
step_is_cb (gpointer data)
{
  GtkWindow *w = find_window (PV_TYPE_RENEW_WINDOW);

  return w != NULL && g_strcmp0 (pv_renew_window_get_step (PV_RENEW_WINDOW (w)), data) == 0;
}

GtkWindow *
find_window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (w)) && g_strcmp0 (gtk_window_get_title (w), title) == 0)
        return w;
    }
  return NULL;
}

gboolean
titled_shown_cb (gpointer data)
{
  return find_window_titled (data) != NULL;
}

gboolean
titled_gone_cb (gpointer data)
{
  return find_window_titled (data) == NULL;
}

static gboolean
only_window_cb (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (w != data && gtk_widget_get_visible (GTK_WIDGET (w)))
        return FALSE;
    }
  return TRUE;
}

/* Every window but @keep closed (destroyed), and gone */
void
close_windows_but (GtkWindow *keep)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);

      if (w != keep)
        g_ptr_array_add (others, w);
      else
        g_object_unref (w);
    }
  for (guint i = 0; i < others->len; i++)
    gtk_window_destroy (others->pdata[i]);
  g_assert_true (spin_until (only_window_cb, keep, 10));
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The tenant @id as Connect adds it: checked, its key in the keyring */
void
add_tenant (PvTenantList *tenants,
            const char   *id,
            const char   *url,
            const char   *key)
{
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(PvTenantInfo) tenant = NULL;
  g_autoptr(GError) error = NULL;

  pv_tenant_list_add_async (tenants, id, url, key, NULL, added_cb, &added);
  while (added == NULL)
    g_main_context_iteration (NULL, TRUE);
  tenant = pv_tenant_list_add_finish (tenants, added, &error);
  g_assert_no_error (error);
}

/* Whether @data, a GtkApplication, shows its window */
gboolean
app_window_mapped_cb (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/**
 * provisiod_start:
 * @db: the database, made with the tenant "acme" in it
 * @url: (out): where provisiod listens, on loopback
 * @key: (out): the tenant's admin API key
 *
 * Returns: (transfer full): provisiod ($PROVISIOD), which goes with the test
 */
GSubprocess *
provisiod_start (const char  *db,
                 char       **url,
                 char       **key)
{
  const char *provisiod = g_getenv ("PROVISIOD");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) lines = NULL;
  GSubprocess *server;

  if (provisiod == NULL)
    g_error ("PROVISIOD is not set (tests/app/meson.build sets it)");
  create = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, provisiod, "--db", db, "tenant", "create",
                             "acme", "--name", "Acme Corp", "--owner", "it@acme.example", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (create, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  *key = g_strdup (lines[g_strv_length (lines) - 1]);
  g_assert_true (g_str_has_prefix (*key, "pva_"));

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, provisiod, "--db", db, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "provisiod: listening on "));
  *url = g_strdup (line + strlen ("provisiod: listening on "));
  return server;
}

/* The local stand-in for Microsoft's sign-in and Graph
 * (tests/server/fake_entra.py, PV_FAKE_ENTRA) */

/**
 * fake_entra_start:
 * @tls_cert: (nullable): with @tls_key, the certificate the stand-in shows
 *   for Microsoft's real hosts when it is used as their proxy
 * @url: (out): where it listens
 *
 * Returns: (transfer full): the stand-in, which goes with the test
 */
GSubprocess *
fake_entra_start (const char  *tls_cert,
                  const char  *tls_key,
                  char       **url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  const char *script = g_getenv ("PV_FAKE_ENTRA");
  GSubprocess *fake;

  if (script == NULL)
    g_error ("PV_FAKE_ENTRA is not set (tests/app/meson.build sets it)");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (tls_cert != NULL)
    fake = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, "--tls", tls_cert, tls_key,
                                        NULL);
  else
    fake = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "fake-entra: listening on "));
  *url = g_strdup (line + strlen ("fake-entra: listening on "));
  return fake;
}

/**
 * fake_entra_control:
 * @what: one of the stand-in's controls: app, set, approve, state, …
 * @body: its arguments as JSON
 *
 * Returns: (transfer full): the stand-in's answer
 */
JsonObject *
fake_entra_control (const char *url,
                    const char *what,
                    const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, "/_control/", what, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/**
 * app_test_init:
 * @prefix: the name of the test's own directory, made under /tmp
 *
 * What the app under test reads, kept to the test: its tenants file in a
 * directory of its own, settings in memory, the cairo renderer (Xvfb has
 * no GL); then GTK, with criticals fatal.  GTK warns about focus under
 * Xvfb, where no window manager hands it out; those warnings are not the
 * app's.
 *
 * Returns: (transfer full): the test's directory
 */
char *
app_test_init (int        *argc,
               char     ***argv,
               const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autofree char *tenants = NULL;
  char *workdir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  tenants = g_build_filename (workdir, "tenants.ini", NULL);
  g_setenv ("PROVISIO_TENANTS_FILE", tenants, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (argc, argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  return workdir;
}
