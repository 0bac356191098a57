/* pv-demo.c: a demo tenant server, started as a child process
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>

#include "pv-demo.h"
#include "pv-entra.h"
#include "pv-entra-session.h"
#include "pv-error.h"
#include "pv-tracked-app.h"
#include "pv-vendor.h"

/* `provisiod --demo` on a free loopback port, with its temporary database
 * and three demo tenants.  The admin API keys it prints are the demo's and
 * live only in memory: the tenant list made here keeps nothing.  The server
 * stops with the PvDemo, or with this process if it dies first.
 *
 * Beside it, the demo's Microsoft: `provisio-demo-entra --demo URL DIR`, the
 * stand-in for the identity platform and Graph that the tests use
 * (tests/server/fake_entra.py, installed under that name), on 127.0.0.1
 * only, holding the demo tenants' Entra apps.  The demo's Entra session has
 * its entra.ini in a temporary directory of its own (which the stand-in
 * removes when it stops), the apps it starts linked, and its sign-in in
 * memory only; the demo signs in at start (the stand-in approves the code
 * by itself).  Without the stand-in (or python3) the demo runs without
 * Entra.  See docs/entra.md, "The demo's Microsoft". */

#define DEMO_TENANT_LINE "provisiod: demo tenant "
#define DEMO_READY_LINE "provisiod: demo ready"
#define DEMO_APP_LINE "provisiod: demo app "
#define LISTENING_LINE "provisiod: listening on "
#define ENTRA_LISTENING_LINE "fake-entra: listening on "
#define ENTRA_LINK_LINE "fake-entra: demo link "
#define ENTRA_READY_LINE "fake-entra: demo ready"
#define ENTRA_DIRECTORY "contoso.example"
/* The stand-in is ready in well under a second; the demo does not wait
 * longer than this for it. */
#define ENTRA_START_SECONDS 15

struct _PvDemo
{
  GObject           parent_instance;

  GSubprocess      *process;
  GDataInputStream *output;
  char             *url;
  PvTenantList     *tenants;

  /* The demo's Microsoft */
  GSubprocess      *entra_process;
  GDataInputStream *entra_output;
  PvEntraConfig    *entra_config;
  GFile            *entra_dir;
  PvEntraSession   *entra;
  guint             entra_timeout;
};

G_DEFINE_FINAL_TYPE (PvDemo, pv_demo, G_TYPE_OBJECT)

static void
pv_demo_dispose (GObject *object)
{
  PvDemo *self = PV_DEMO (object);

  pv_demo_stop (self);
  g_clear_handle_id (&self->entra_timeout, g_source_remove);
  g_clear_object (&self->output);
  g_clear_object (&self->tenants);
  g_clear_object (&self->entra_output);
  g_clear_object (&self->entra);
  g_clear_pointer (&self->entra_config, pv_entra_config_free);
  g_clear_object (&self->entra_dir);

  G_OBJECT_CLASS (pv_demo_parent_class)->dispose (object);
}

static void
pv_demo_finalize (GObject *object)
{
  PvDemo *self = PV_DEMO (object);

  g_free (self->url);

  G_OBJECT_CLASS (pv_demo_parent_class)->finalize (object);
}

static void
pv_demo_class_init (PvDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_demo_dispose;
  object_class->finalize = pv_demo_finalize;
}

static void
pv_demo_init (PvDemo *self)
{
  self->tenants = pv_tenant_list_new (NULL);
}

/**
 * pv_demo_find_server:
 *
 * Returns: (transfer full) (nullable): the provisiod to run: $PROVISIOD, the
 *   one installed next to this program (or built next to it), or the one
 *   on $PATH
 */
char *
pv_demo_find_server (void)
{
  const char *env = g_getenv ("PROVISIOD");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (dir != NULL)
    {
      g_autofree char *installed = g_build_filename (dir, "provisiod", NULL);
      g_autofree char *built = g_build_filename (dir, "..", "server", "provisiod", NULL);

      if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&installed);
      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
    }
  return g_find_program_in_path ("provisiod");
}

/**
 * pv_demo_find_entra:
 *
 * Returns: (transfer full) (nullable): the demo's Microsoft stand-in:
 *   $PROVISIO_DEMO_ENTRA, or provisio-demo-entra next to this program (as
 *   built), in ../libexec/provisio from it, or in Provisio's library
 *   programs' directory
 */
char *
pv_demo_find_entra (void)
{
  const char *env = g_getenv ("PROVISIO_DEMO_ENTRA");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *built = dir ? g_build_filename (dir, "provisio-demo-entra", NULL) : NULL;
  g_autofree char *up = dir ? g_path_get_dirname (dir) : NULL;
  g_autofree char *beside = up ? g_build_filename (up, "libexec", "provisio", "provisio-demo-entra", NULL) : NULL;
  g_autofree char *installed = g_build_filename (PKGLIBEXECDIR, "provisio-demo-entra", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (built != NULL && g_file_test (built, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&built);
  /* Installed under another prefix, or unpacked somewhere else */
  if (beside != NULL && g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&beside);
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return NULL;
}

/* In the child, before exec: the server goes when this process goes. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

typedef struct {
  guint   pending;
  GError *error;
} Start;

static void
start_free (Start *start)
{
  g_clear_error (&start->error);
  g_free (start);
}

static void
start_step_done (GTask *task)
{
  Start *start = g_task_get_task_data (task);

  if (--start->pending > 0)
    return;
  if (start->error != NULL)
    g_task_return_error (task, g_steal_pointer (&start->error));
  else
    g_task_return_pointer (task, g_object_ref (g_task_get_source_object (task)), g_object_unref);
}

/* "SLUG VENDOR ISSUED KIND TOKEN": an app of the catalog whose vendor is
 * the demo server, tracked as an admin tracks one, its token in memory. */
static void
add_demo_app (PvDemo     *self,
              const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  g_autoptr(PvVendor) vendor = NULL;
  g_autofree char *url = NULL;
  PvTenantInfo *shown;
  PvTrackedApp *app = NULL;
  PvTrackedConnection *connection;
  gint64 issued_at;

  if (g_strv_length (words) != 5 || (vendor = pv_vendor_lookup (words[1], NULL)) == NULL ||
      !g_ascii_string_to_signed (words[2], 10, 1, G_MAXINT64, &issued_at, NULL))
    return;
  shown = pv_tenant_list_lookup (self->tenants, words[0]);
  if (shown != NULL)
    app = pv_tenant_list_get_tracked_app (self->tenants, shown);
  if (app == NULL)
    {
      /* Translators: a vendor's name, for the demo's tracked app */
      g_autofree char *name = g_strdup_printf (_("%s (demo)"), vendor->name);

      app = pv_tracked_app_new (words[0], name, vendor->id);
      app->demo = TRUE;
    }
  url = g_strdup_printf ("%s/t/%s/scim/%s/v2", self->url, words[0], words[3]);
  connection = pv_tracked_app_add_connection (app, words[3], url);
  connection->token_in_keyring = TRUE;
  if (!pv_tracked_connection_set_dates (connection, vendor, NULL, issued_at, 0, issued_at + 1, NULL))
    return;
  pv_tenant_list_add_tracked_app (self->tenants, app, words[3], words[4]);
}

/* -- the demo's Microsoft ------------------------------------------------- */

/* The demo does not depend on it: a failure is told and the demo goes on. */
static void
entra_failed (GTask      *task,
              const char *what)
{
  PvDemo *self = g_task_get_source_object (task);

  g_clear_handle_id (&self->entra_timeout, g_source_remove);
  g_message ("The demo runs without its Microsoft stand-in: %s", what);
  /* Its directory, if nothing was written to it yet (else the stand-in,
   * still running, removes it when it stops) */
  if (self->entra_dir != NULL && g_rmdir (g_file_peek_path (self->entra_dir)) == 0)
    g_clear_object (&self->entra_dir);
  start_step_done (task);
}

/* A stand-in that never says it is ready is stopped; its output ends, and
 * with it the wait (entra_line_read_cb()). */
static gboolean
entra_timeout_cb (gpointer user_data)
{
  PvDemo *self = user_data;

  self->entra_timeout = 0;
  if (self->entra_process != NULL)
    g_subprocess_force_exit (self->entra_process);
  return G_SOURCE_REMOVE;
}

static void
entra_signed_in_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_entra_session_sign_in_finish (PV_ENTRA_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The demo could not sign in to its Microsoft stand-in: %s", error->message);
}

static void
entra_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *session = PV_ENTRA_SESSION (source);
  g_autoptr(GError) error = NULL;

  if (!pv_entra_session_load_finish (session, result, &error))
    {
      PvDemo *self = g_task_get_source_object (task);

      g_clear_object (&self->entra);
      entra_failed (task, error->message);
      return;
    }
  /* Signed in by itself: the stand-in approves the code after a few seconds. */
  pv_entra_session_sign_in_async (session, NULL, entra_signed_in_cb, NULL);
  start_step_done (task);
}

static void
entra_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvDemo *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!pv_entra_config_save_finish (result, &error))
    {
      entra_failed (task, error->message);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  self->entra = pv_entra_session_new_demo (self->entra_dir);
  pv_entra_session_load_async (self->entra, cancellable, entra_loaded_cb, g_steal_pointer (&task));
}

static void
entra_line_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvDemo *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (self->entra_output, result, NULL, &error);
  if (line == NULL)
    {
      entra_failed (task, error ? error->message : "it stopped before it was ready");
      return;
    }
  if (g_str_has_prefix (line, ENTRA_LISTENING_LINE) && self->entra_config->login_url == NULL)
    {
      const char *url = line + strlen (ENTRA_LISTENING_LINE);

      self->entra_config->login_url = g_strdup (url);
      self->entra_config->graph_url = g_strdup (url);
    }
  else if (g_str_has_prefix (line, ENTRA_LINK_LINE))
    {
      /* "SLUG KIND SERVICE-PRINCIPAL JOB NAME…" */
      g_auto(GStrv) words = g_strsplit (line + strlen (ENTRA_LINK_LINE), " ", 5);

      if (g_strv_length (words) == 5)
        pv_entra_config_set_link (self->entra_config, words[0], words[1], words[2], words[3], words[4]);
    }
  else if (g_str_equal (line, ENTRA_READY_LINE) && self->entra_config->login_url != NULL)
    {
      g_autoptr(GFile) file = g_file_get_child (self->entra_dir, "entra.ini");

      g_clear_handle_id (&self->entra_timeout, g_source_remove);
      pv_entra_config_save_async (self->entra_config, file, cancellable, entra_saved_cb, g_steal_pointer (&task));
      return;
    }
  g_data_input_stream_read_line_async (self->entra_output, G_PRIORITY_DEFAULT, cancellable,
                                       entra_line_read_cb, g_steal_pointer (&task));
}

/* The stand-in, once provisiod's address is known; one more pending step. */
static void
start_entra (PvDemo *self,
             GTask  *task)
{
  g_autofree char *program = pv_demo_find_entra ();
  g_autofree char *template = g_build_filename (g_get_tmp_dir (), "provisio-demo-XXXXXX", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  Start *start = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *dir;

  if (program == NULL)
    {
      g_message ("The demo runs without its Microsoft stand-in: provisio-demo-entra is not installed");
      return;
    }
  /* The demo's own files (entra.ini, the SAML certificates, apps.ini): the
   * stand-in removes them when it stops, also when this process is killed. */
  dir = g_mkdtemp (template);
  if (dir == NULL)
    {
      g_message ("The demo runs without its Microsoft stand-in: %s", g_strerror (errno));
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->entra_process = g_subprocess_launcher_spawn (launcher, &error, program, "--demo", self->url, dir, NULL);
  if (self->entra_process == NULL)
    {
      g_message ("The demo runs without its Microsoft stand-in: %s", error->message);
      g_rmdir (dir);
      return;
    }
  self->entra_dir = g_file_new_for_path (dir);
  self->entra_config = pv_entra_config_new ();
  g_free (self->entra_config->cloud);
  self->entra_config->cloud = g_strdup ("custom");
  self->entra_config->directory = g_strdup (ENTRA_DIRECTORY);
  self->entra_output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->entra_process));
  start->pending++;
  self->entra_timeout = g_timeout_add_seconds (ENTRA_START_SECONDS, entra_timeout_cb, self);
  g_data_input_stream_read_line_async (self->entra_output, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       entra_line_read_cb, g_object_ref (task));
}

static void
tenant_added_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Start *start = g_task_get_task_data (task);
  g_autoptr(PvTenantInfo) tenant = NULL;
  g_autoptr(GError) error = NULL;

  tenant = pv_tenant_list_add_finish (PV_TENANT_LIST (source), result, &error);
  if (tenant == NULL && start->error == NULL)
    start->error = g_steal_pointer (&error);
  start_step_done (task);
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvDemo *self = g_task_get_source_object (task);
  Start *start = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GCancellable *cancellable;

  line = g_data_input_stream_read_line_finish_utf8 (self->output, result, NULL, &error);
  if (line == NULL)
    {
      if (start->error == NULL)
        start->error = error ? g_steal_pointer (&error)
                             : g_error_new (PV_ERROR, PV_ERROR_SERVER,
                                            _("The demo server stopped before it was ready"));
      start_step_done (task);
      return;
    }

  if (g_str_has_prefix (line, LISTENING_LINE) && self->url == NULL)
    {
      self->url = g_strdup (line + strlen (LISTENING_LINE));
      start_entra (self, task);
    }
  else if (g_str_has_prefix (line, DEMO_TENANT_LINE) && self->url != NULL)
    {
      /* "provisiod: demo tenant ID (NAME), admin API key KEY" */
      g_auto(GStrv) words = g_strsplit (line + strlen (DEMO_TENANT_LINE), " ", -1);
      guint n = g_strv_length (words);

      if (n >= 2)
        {
          start->pending++;
          pv_tenant_list_add_async (self->tenants, words[0], self->url, words[n - 1],
                                    g_task_get_cancellable (task), tenant_added_cb, g_object_ref (task));
        }
    }
  else if (g_str_has_prefix (line, DEMO_APP_LINE) && self->url != NULL)
    add_demo_app (self, line + strlen (DEMO_APP_LINE));
  else if (g_str_equal (line, DEMO_READY_LINE))
    {
      /* The one pending step that stands for reading. */
      if (start->pending == 1)
        g_task_return_new_error (task, PV_ERROR, PV_ERROR_SERVER, _("The demo server offered no tenants"));
      else
        start_step_done (task);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, cancellable,
                                       line_read_cb, g_steal_pointer (&task));
}

/**
 * pv_demo_start_async:
 * @server: the provisiod program (see pv_demo_find_server())
 *
 * Starts the demo server and connects to its tenants.
 */
void
pv_demo_start_async (const char          *server,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(PvDemo) self = g_object_new (PV_TYPE_DEMO, NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Start *start = g_new0 (Start, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, pv_demo_start_async);
  /* The last step of reading stands as one pending step, so that the
   * tenants added while reading cannot finish the task early. */
  start->pending = 1;
  g_task_set_task_data (task, start, (GDestroyNotify) start_free);

  /* Its announcements are read here: in the C locale, whatever the user's. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error, server, "--demo",
                                               "--listen", "127.0.0.1:0", "--threads", "2", NULL);
  if (self->process == NULL)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_SERVER, _("Could not start the demo server: %s"),
                               error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, cancellable, line_read_cb, task);
}

/**
 * pv_demo_start_finish:
 *
 * Returns: (transfer full): the running demo; its server stops when it is
 *   disposed
 */
PvDemo *
pv_demo_start_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_demo_start_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
pv_demo_get_url (PvDemo *self)
{
  g_return_val_if_fail (PV_IS_DEMO (self), NULL);
  return self->url;
}

/**
 * pv_demo_get_tenants:
 *
 * Returns: (transfer none): the demo's tenants, keys in memory only
 */
PvTenantList *
pv_demo_get_tenants (PvDemo *self)
{
  g_return_val_if_fail (PV_IS_DEMO (self), NULL);
  return self->tenants;
}

/**
 * pv_demo_get_entra:
 *
 * Returns: (transfer none) (nullable): the demo's Microsoft Entra session,
 *   with the demo's stand-in for Microsoft; %NULL if it could not start
 */
PvEntraSession *
pv_demo_get_entra (PvDemo *self)
{
  g_return_val_if_fail (PV_IS_DEMO (self), NULL);
  return self->entra;
}

/**
 * pv_demo_stop:
 *
 * Stops the server, which removes its temporary database.
 */
void
pv_demo_stop (PvDemo *self)
{
  g_return_if_fail (PV_IS_DEMO (self));

  /* The session's writes into the stand-in's directory end first: the
   * stand-in removes it as it stops. */
  if (self->entra != NULL)
    pv_entra_session_stop (self->entra);
  if (self->entra_process != NULL)
    {
      g_subprocess_send_signal (self->entra_process, SIGTERM);
      g_subprocess_wait_async (self->entra_process, NULL, NULL, NULL);
      g_clear_object (&self->entra_process);
    }
  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  /* Reaped by GLib's child watch; nothing waits for it here. */
  g_subprocess_wait_async (self->process, NULL, NULL, NULL);
  g_clear_object (&self->process);
}
