/* pv-entra-session.c: the app's Microsoft sign-in, Entra links and job health
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-session"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-credentials.h"
#include "pv-dates.h"
#include "pv-files.h"
#include "pv-entra-session.h"
#include "pv-entra-import.h"
#include "pv-overview.h"

/* One place for what the desktop app knows of Entra: the configuration in
 * entra.ini, the sign-in (restored from the keyring at start), and the
 * state of each linked app's provisioning job, read after every refresh of
 * the tenants.  "changed" says that any of it changed. */

struct _PvEntraSession
{
  GObject        parent_instance;

  GFile         *file;
  PvEntraConfig *config;
  PvGraph       *graph;
  GError        *error;       /* why there is no sign-in, or the last failure */
  GHashTable    *jobs;        /* "tenant/kind" → PvEntraJob */
  GHashTable    *job_errors;  /* "tenant/kind" → GError */
  GCancellable  *cancellable;
  guint          pending;
  gboolean       jobs_changed;  /* during a read of the jobs */
  gint64         lapses_at;     /* when the sign-in lapses unless used; 0: unknown */
  gboolean       keeping_alive;
  PvEntraEstate *estate;      /* the directory as last read, for a delta */
  GListStore    *saml;        /* SAML apps' certificates, as PvTenantInfo */
  GFile         *saml_file;   /* where they are kept between runs */
  gboolean       in_memory;   /* the demo's: the sign-in never reaches the keyring */
  GFile         *demo_dir;    /* the demo's: its files */
};

G_DEFINE_FINAL_TYPE (PvEntraSession, pv_entra_session, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
pv_entra_session_dispose (GObject *object)
{
  PvEntraSession *self = (PvEntraSession *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->graph);
  g_clear_object (&self->file);
  g_clear_pointer (&self->config, pv_entra_config_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->job_errors, g_hash_table_unref);
  g_clear_object (&self->estate);
  g_clear_object (&self->saml);
  g_clear_object (&self->saml_file);
  g_clear_object (&self->demo_dir);

  G_OBJECT_CLASS (pv_entra_session_parent_class)->dispose (object);
}

static void
pv_entra_session_class_init (PvEntraSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pv_entra_session_dispose;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pv_entra_session_init (PvEntraSession *self)
{
  self->config = pv_entra_config_new ();
  self->cancellable = g_cancellable_new ();
  self->saml = g_list_store_new (PV_TYPE_TENANT_INFO);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pv_entra_job_free);
  self->job_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_error_free);
}

/**
 * pv_entra_session_new:
 * @config_file: (nullable): entra.ini; the default when %NULL
 */
PvEntraSession *
pv_entra_session_new (GFile *config_file)
{
  PvEntraSession *self = g_object_new (PV_TYPE_ENTRA_SESSION, NULL);

  self->file = config_file != NULL ? g_object_ref (config_file) : pv_entra_config_default_file ();
  self->saml_file = pv_entra_saml_state_file ();
  return self;
}

/**
 * pv_entra_session_new_demo:
 * @directory: a directory of the demo's, removed with it
 *
 * A session of the demo's: entra.ini and the SAML certificates in
 * @directory, the sign-in in memory only (never in the keyring).
 */
PvEntraSession *
pv_entra_session_new_demo (GFile *directory)
{
  PvEntraSession *self = g_object_new (PV_TYPE_ENTRA_SESSION, NULL);

  self->file = g_file_get_child (directory, "entra.ini");
  self->saml_file = g_file_get_child (directory, "entra-saml.ini");
  self->in_memory = TRUE;
  self->demo_dir = g_object_ref (directory);
  return self;
}

/**
 * pv_entra_session_stop:
 *
 * Ends what the session has under way (requests, the writes of its
 * files) and what it would start after: for the demo's, whose files go
 * with the demo, so that no write comes after them and makes their
 * directory again.
 */
void
pv_entra_session_stop (PvEntraSession *self)
{
  g_return_if_fail (PV_IS_ENTRA_SESSION (self));
  g_cancellable_cancel (self->cancellable);
}

/**
 * pv_entra_session_get_demo_apps_file:
 *
 * Returns: (transfer full) (nullable): for the demo's session, the apps.ini
 *   of the demo's that Import from Entra fills; else %NULL
 */
GFile *
pv_entra_session_get_demo_apps_file (PvEntraSession *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_SESSION (self), NULL);
  return self->demo_dir != NULL ? g_file_get_child (self->demo_dir, "apps.ini") : NULL;
}

PvEntraConfig *
pv_entra_session_get_config (PvEntraSession *self)
{
  return self->config;
}

/**
 * pv_entra_session_get_graph:
 *
 * Returns: (nullable) (transfer none): Graph, signed in or not
 */
PvGraph *
pv_entra_session_get_graph (PvEntraSession *self)
{
  return self->graph;
}

gboolean
pv_entra_session_get_signed_in (PvEntraSession *self)
{
  return self->graph != NULL && pv_graph_get_signed_in (self->graph);
}

const GError *
pv_entra_session_get_error (PvEntraSession *self)
{
  return self->error;
}

/**
 * pv_entra_session_get_job:
 * @error: (out) (optional): why the job could not be read
 *
 * Returns: (nullable): the linked app's job as last read
 */
const PvEntraJob *
pv_entra_session_get_job (PvEntraSession  *self,
                          const char      *tenant,
                          const char      *kind,
                          const GError   **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", tenant, kind);

  if (error != NULL)
    *error = g_hash_table_lookup (self->job_errors, key);
  return g_hash_table_lookup (self->jobs, key);
}

static void
set_error (PvEntraSession *self,
           const GError   *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Cancelled: the session went (the demo's, when the demo stops). */
  if (!pv_entra_config_save_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the Entra settings: %s", error->message);
}

static void
save (PvEntraSession *self)
{
  pv_entra_config_save_async (self->config, self->file, self->cancellable, saved_cb, NULL);
}

/* -- the sign-in's lapse ------------------------------------------------- */

static void
lapse_known_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PvEntraSession) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 lapses_at = pv_entra_sign_in_lapse_finish (result, &error);

  if (lapses_at < 0 || lapses_at == self->lapses_at)
    return;
  self->lapses_at = lapses_at;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
update_lapse (PvEntraSession *self)
{
  if (self->graph == NULL)
    return;
  pv_entra_sign_in_lapse_async (self->graph, self->cancellable, lapse_known_cb, g_object_ref (self));
}

static void
kept_alive_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PvEntraSession) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keeping_alive = FALSE;
  if (!pv_graph_restore_finish (PV_GRAPH (source), result, &error))
    g_debug ("Could not use the Microsoft sign-in: %s", error->message);
  update_lapse (self);
}

/* The regular refresh uses the sign-in (a token refresh) once a day at
 * least, also without linked apps, so that it does not lapse while the
 * app runs. */
static void
keep_alive (PvEntraSession *self)
{
  gint64 refreshed_at = pv_graph_get_refreshed_at (self->graph);

  if (self->keeping_alive || g_get_real_time () / G_USEC_PER_SEC - refreshed_at < PV_ENTRA_KEEP_ALIVE_SECONDS)
    return;
  self->keeping_alive = TRUE;
  pv_graph_restore_async (self->graph, self->cancellable, kept_alive_cb, g_object_ref (self));
}

static void
lapse_modified_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gint64 modified = pv_credentials_lookup_modified_finish (result, &error);

  if (modified < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, modified > 0 ? modified + PV_ENTRA_SIGN_IN_IDLE_DAYS * 86400 : 0);
}

/**
 * pv_entra_sign_in_lapse_async:
 * @graph: a Graph, signed in or restored from the keyring, or not
 *
 * Works out when the sign-in lapses unless it is used: Microsoft ends a
 * sign-in whose refresh token went unused for %PV_ENTRA_SIGN_IN_IDLE_DAYS
 * days, and each use renews it.  The last use is the last refresh token
 * @graph was given, or else when the keyring last kept one (Provisio keeps
 * each new one).
 */
void
pv_entra_sign_in_lapse_async (PvGraph             *graph,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  g_autofree char *name = NULL;
  gint64 refreshed_at = pv_graph_get_refreshed_at (graph);

  g_task_set_source_tag (task, pv_entra_sign_in_lapse_async);
  if (refreshed_at > 0)
    {
      g_task_return_int (task, refreshed_at + PV_ENTRA_SIGN_IN_IDLE_DAYS * 86400);
      return;
    }
  name = pv_graph_get_keyring_name (graph);
  pv_credentials_lookup_modified_async (name, PV_CREDENTIAL_GRAPH_REFRESH_TOKEN, cancellable,
                                        lapse_modified_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_sign_in_lapse_finish:
 *
 * Returns: when the sign-in lapses unless used (seconds since the epoch), 0
 *   if there is no sign-in, -1 with @error if the keyring could not be asked
 */
gint64
pv_entra_sign_in_lapse_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_sign_in_lapse_async, 0);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * pv_entra_session_get_lapses_at:
 *
 * Returns: when the sign-in lapses unless used, or 0 if not known
 */
gint64
pv_entra_session_get_lapses_at (PvEntraSession *self)
{
  return self->lapses_at;
}

/**
 * pv_entra_session_describe_lapse:
 *
 * Returns: (transfer full) (nullable): when the sign-in lapses, in words
 */
char *
pv_entra_session_describe_lapse (PvEntraSession *self)
{
  g_autofree char *date = NULL;

  if (self->lapses_at == 0)
    return NULL;
  date = pv_format_date (self->lapses_at);
  /* Translators: a date; Microsoft ends a sign-in that goes unused for 90 days */
  return g_strdup_printf (_("Lapses on %s unless used; Provisio uses it at each refresh"), date);
}

/* -- load --------------------------------------------------------------- */

static void
restored_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!pv_graph_restore_finish (PV_GRAPH (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Not signed in is a state, not a failure of loading. */
  set_error (self, error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  update_lapse (self);
  pv_entra_session_refresh_health (self);
  g_task_return_boolean (task, TRUE);
}

static void
restore (PvEntraSession *self,
         GTask          *task)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->graph);
  self->lapses_at = 0;
  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->job_errors);
  self->graph = pv_entra_config_new_graph (self->config, &error);
  if (self->graph != NULL)
    pv_graph_set_in_memory (self->graph, self->in_memory);
  if (self->graph == NULL)
    {
      set_error (self, error);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      if (task != NULL)
        g_task_return_boolean (task, TRUE);
      return;
    }
  if (task == NULL)
    {
      set_error (self, NULL);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  pv_graph_restore_async (self->graph, self->cancellable, restored_cb, g_object_ref (task));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PvEntraConfig *config = pv_entra_config_load_finish (result, &error);

  if (config == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* A damaged file: say so, and go on with the defaults. */
      set_error (self, error);
    }
  else
    {
      pv_entra_config_free (self->config);
      self->config = config;
    }
  restore (self, task);
}

static void
set_saml (PvEntraSession *self,
          GPtrArray      *apps)
{
  g_autoptr(GPtrArray) infos = pv_entra_saml_apps_new_infos (apps);

  g_list_store_splice (self->saml, 0, g_list_model_get_n_items (G_LIST_MODEL (self->saml)), infos->pdata, infos->len);
}

/* The certificates the last import found, until the next one */
static void
saml_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PvEntraSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the SAML certificates of the last import: %s", error->message);
      return;
    }
  /* An import in the meantime knows better. */
  if (self->estate != NULL)
    return;
  apps = pv_entra_saml_apps_from_data (data, length, &error);
  if (apps == NULL)
    {
      g_warning ("Could not read the SAML certificates of the last import: %s", error->message);
      return;
    }
  set_saml (self, apps);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * pv_entra_session_load_async:
 *
 * Reads entra.ini and takes up the sign-in kept in the keyring, checking it
 * with Microsoft; then reads the linked apps' jobs.
 */
void
pv_entra_session_load_async (PvEntraSession      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_entra_session_load_async);
  g_file_load_contents_async (self->saml_file, self->cancellable, saml_loaded_cb, g_object_ref (self));
  pv_entra_config_load_async (self->file, self->cancellable, loaded_cb, g_steal_pointer (&task));
}

gboolean
pv_entra_session_load_finish (PvEntraSession  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_session_load_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_entra_session_configure:
 * @cloud: a #PvGraphCloud id, or "custom" (hosts from entra.ini)
 *
 * Changes where and as what Provisio signs in; a sign-in for other
 * settings no longer applies, so the admin signs in again.
 */
gboolean
pv_entra_session_configure (PvEntraSession  *self,
                            const char      *cloud,
                            const char      *directory,
                            const char      *client_id,
                            GError         **error)
{
  g_autoptr(PvGraph) probe = NULL;
  g_autofree char *old_cloud = self->config->cloud;
  g_autofree char *old_directory = self->config->directory;
  g_autofree char *old_client = self->config->client_id;

  self->config->cloud = g_strdup (cloud);
  self->config->directory = directory != NULL && *directory != '\0' ? g_strdup (directory) : NULL;
  self->config->client_id = client_id != NULL && *client_id != '\0' ? g_strdup (client_id) : NULL;
  probe = pv_entra_config_new_graph (self->config, error);
  if (probe == NULL)
    {
      g_free (self->config->cloud);
      g_free (self->config->directory);
      g_free (self->config->client_id);
      self->config->cloud = g_steal_pointer (&old_cloud);
      self->config->directory = g_steal_pointer (&old_directory);
      self->config->client_id = g_steal_pointer (&old_client);
      return FALSE;
    }
  save (self);
  restore (self, NULL);
  return TRUE;
}

/* -- sign-in ------------------------------------------------------------ */

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pv_graph_sign_in_finish (PV_GRAPH (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  set_error (self, NULL);
  save (self);
  update_lapse (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  pv_entra_session_refresh_health (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * pv_entra_session_sign_in_async:
 *
 * The device code flow on the session's #PvGraph: connect to its
 * #PvGraph::device-code first to show the code.
 */
void
pv_entra_session_sign_in_async (PvEntraSession      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_entra_session_sign_in_async);
  if (self->graph == NULL)
    {
      g_task_return_error (task, self->error != NULL ? g_error_copy (self->error)
                           : g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_SIGN_IN_FAILED,
                                          _("The Microsoft cloud settings are not usable")));
      return;
    }
  pv_graph_sign_in_async (self->graph, cancellable, signed_in_cb, g_steal_pointer (&task));
}

gboolean
pv_entra_session_sign_in_finish (PvEntraSession  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_session_sign_in_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_graph_sign_out_finish (PV_GRAPH (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not remove the Microsoft sign-in from the keyring: %s", error->message);
}

void
pv_entra_session_sign_out (PvEntraSession *self)
{
  if (self->graph == NULL)
    return;
  pv_graph_sign_out_async (self->graph, self->cancellable, signed_out_cb, NULL);
  self->lapses_at = 0;
  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->job_errors);
  /* Another sign-in may be to another directory. */
  g_clear_object (&self->estate);
  g_list_store_remove_all (self->saml);
  g_file_delete_async (self->saml_file, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * pv_entra_session_link:
 * @app: (nullable): the Entra app the admin confirmed; %NULL unlinks
 */
void
pv_entra_session_link (PvEntraSession   *self,
                       const char       *tenant,
                       const char       *kind,
                       const PvEntraApp *app)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", tenant, kind);

  if (app != NULL)
    {
      pv_entra_config_set_link (self->config, tenant, kind, app->service_principal_id,
                                app->job->id, app->display_name);
      g_hash_table_replace (self->jobs, g_strdup (key), pv_entra_job_copy (app->job));
    }
  else
    pv_entra_config_set_link (self->config, tenant, kind, NULL, NULL, NULL);
  g_hash_table_remove (self->job_errors, key);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  pv_entra_session_refresh_health (self);
}

/* -- health ------------------------------------------------------------- */

typedef struct {
  PvEntraSession *self;
  char           *key;
} JobRead;

static gboolean
jobs_equal (const PvEntraJob *a,
            const PvEntraJob *b)
{
  return a != NULL && b != NULL &&
         g_strcmp0 (a->status, b->status) == 0 &&
         g_strcmp0 (a->quarantine_reason, b->quarantine_reason) == 0 &&
         g_strcmp0 (a->quarantine_error, b->quarantine_error) == 0 &&
         a->quarantine_since == b->quarantine_since &&
         a->last_success_at == b->last_success_at;
}

static void
job_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  JobRead *read = user_data;
  PvEntraSession *self = read->self;
  g_autoptr(GError) error = NULL;
  PvEntraJob *job = pv_entra_get_job_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (read->key);
      g_free (read);
      return;
    }
  if (job != NULL)
    {
      self->jobs_changed |= !jobs_equal (g_hash_table_lookup (self->jobs, read->key), job) ||
                            g_hash_table_contains (self->job_errors, read->key);
      g_hash_table_replace (self->jobs, g_strdup (read->key), job);
      g_hash_table_remove (self->job_errors, read->key);
    }
  else
    {
      const GError *old = g_hash_table_lookup (self->job_errors, read->key);

      self->jobs_changed |= old == NULL || g_strcmp0 (old->message, error->message) != 0;
      g_hash_table_replace (self->job_errors, g_strdup (read->key), g_steal_pointer (&error));
    }
  /* Said only when something changed: the tenant pages are built again on it. */
  if (--self->pending == 0 && self->jobs_changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  g_free (read->key);
  g_free (read);
}

/**
 * pv_entra_session_refresh_health:
 *
 * Reads every linked app's job again, when signed in; "changed" follows.
 */
void
pv_entra_session_refresh_health (PvEntraSession *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (!pv_entra_session_get_signed_in (self) || self->pending > 0)
    return;
  keep_alive (self);
  self->jobs_changed = FALSE;
  g_hash_table_iter_init (&iter, self->config->links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PvEntraLink *link = value;
      JobRead *read = g_new0 (JobRead, 1);

      read->self = self;
      read->key = g_strdup (key);
      self->pending++;
      pv_entra_get_job_async (self->graph, link->service_principal_id, link->job_id,
                              self->cancellable, job_read_cb, read);
    }
}

/* -- provisioning health ------------------------------------------------ */

/**
 * pv_entra_session_describe:
 * @warning: (out): whether it needs the admin's attention
 *
 * Returns: (nullable): a connection's health as Entra and the tenant tell
 *   it, or %NULL when there is nothing to say (not provisioned by Entra)
 */
char *
pv_entra_session_describe (PvEntraSession   *session,
                           PvTenantInfo     *tenant,
                           PvConnectionInfo *connection,
                           gint64            now,
                           gboolean         *warning)
{
  const char *kind = pv_connection_info_get_kind (connection);
  const PvEntraLink *link = pv_entra_config_get_link (pv_entra_session_get_config (session),
                                                      pv_tenant_info_get_id (tenant), kind);
  gint64 stale = pv_entra_stale_since (connection, now);
  g_autofree char *state = NULL;
  g_autofree char *stale_text = NULL;

  *warning = FALSE;
  if (link == NULL && g_strcmp0 (pv_connection_info_get_identity_provider (connection), "entra") != 0)
    return NULL;

  if (stale > 0)
    {
      g_autofree char *when = pv_format_relative (stale, now);

      *warning = TRUE;
      /* Translators: %s is "3 days ago" */
      stale_text = g_strdup_printf (_("Renewed %s, but Entra still uses the old token"), when);
    }
  if (link == NULL)
    state = g_strdup (_("Not linked to its Entra app"));
  else if (!pv_entra_session_get_signed_in (session))
    /* Translators: %s is an Entra app's name */
    state = g_strdup_printf (_("“%s” in Entra; sign in to Microsoft Entra in Preferences to see its state"),
                             link->display_name);
  else
    {
      const GError *error = NULL;
      const PvEntraJob *job = pv_entra_session_get_job (session, pv_tenant_info_get_id (tenant), kind, &error);

      if (job != NULL)
        {
          g_autofree char *described = pv_entra_job_describe (job, now);

          if (pv_entra_job_in_quarantine (job) || g_ascii_strcasecmp (job->status, "Paused") == 0)
            *warning = TRUE;
          /* Translators: an Entra app's name, then its state */
          state = g_strdup_printf (_("“%s”: %s"), link->display_name, described);
        }
      else if (error != NULL)
        {
          *warning = TRUE;
          state = g_strdup_printf (_("“%s”: %s"), link->display_name, error->message);
        }
      else
        state = g_strdup_printf (_("“%s”: reading its state…"), link->display_name);
    }
  if (stale_text != NULL)
    return g_strdup_printf ("%s · %s", stale_text, state);
  return g_steal_pointer (&state);
}

/* -- Import from Entra ------------------------------------------------------ */

typedef struct {
  GFile         *apps_file;
  GStrv          tenant_urls;
  PvEntraImport  result;
  GPtrArray     *tracked;
} Import;

static void
import_free (Import *i)
{
  g_object_unref (i->apps_file);
  g_strfreev (i->tenant_urls);
  g_clear_pointer (&i->tracked, g_ptr_array_unref);
  g_free (i);
}

static void
import_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pv_tracked_apps_save_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  pv_entra_session_refresh_health (self);
  g_task_return_boolean (task, TRUE);
}

static void
import_apps_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraSession *self = g_task_get_source_object (task);
  Import *i = g_task_get_task_data (task);
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  i->tracked = pv_tracked_apps_load_finish (result, &error);
  if (i->tracked == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  apps = pv_entra_estate_get_apps (self->estate);
  skipped = pv_entra_estate_get_skipped (self->estate);
  /* A skipped app is still there: not removed. */
  for (guint k = 0; k < skipped->len; k++)
    g_ptr_array_add (apps, g_steal_pointer (&g_ptr_array_index (skipped, k)));
  pv_entra_import (self->config, i->tracked, apps, (const char * const *) i->tenant_urls,
                   g_get_real_time () / G_USEC_PER_SEC, &i->result);
  pv_tracked_apps_save_async (i->apps_file, i->tracked, cancellable, import_saved_cb, g_steal_pointer (&task));
}

static void
saml_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_file_write_private_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the SAML certificates of the import: %s", error->message);
}

/* The SAML apps' certificates as the estate now has them, shown and kept. */
static void
update_saml (PvEntraSession *self)
{
  g_autoptr(GPtrArray) apps = pv_entra_estate_get_saml_apps (self->estate);
  g_autoptr(GBytes) bytes = pv_entra_saml_apps_to_bytes (apps);

  set_saml (self, apps);
  pv_file_write_private_async (self->saml_file, bytes, self->cancellable, saml_saved_cb, NULL);
}

/**
 * pv_entra_session_get_saml_certificates:
 *
 * Returns: (transfer none): the SAML apps' active signing certificates from
 *   the last Import from Entra, each as a tenant's SSO certificate
 *   (pv_entra_saml_app_new_info())
 */
GListModel *
pv_entra_session_get_saml_certificates (PvEntraSession *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_SESSION (self), NULL);
  return G_LIST_MODEL (self->saml);
}

static void
import_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *i = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!pv_entra_estate_refresh_finish (PV_ENTRA_ESTATE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  update_saml (g_task_get_source_object (task));
  pv_tracked_apps_load_async (i->apps_file, cancellable, import_apps_loaded_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_session_import_async:
 * @apps_file: apps.ini, the tracked apps
 * @tenant_urls: (array zero-terminated=1): the SCIM base URLs of the
 *   provisiod tenants' connections, whose apps stay as they are
 * @progress: (nullable): told how many apps were looked at, of how many
 *
 * Import from Entra (pv_entra_import()): reads the directory (by delta
 * after the first time in this session), then adds, updates and marks
 * removed the tracked apps and their links, and saves both.
 */
void
pv_entra_session_import_async (PvEntraSession      *self,
                               GFile               *apps_file,
                               const char * const  *tenant_urls,
                               PvProgressFunc       progress,
                               gpointer             progress_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Import *i = g_new0 (Import, 1);

  g_task_set_source_tag (task, pv_entra_session_import_async);
  i->apps_file = g_object_ref (apps_file);
  i->tenant_urls = g_strdupv ((char **) tenant_urls);
  g_task_set_task_data (task, i, (GDestroyNotify) import_free);
  if (self->graph == NULL || !pv_graph_get_signed_in (self->graph))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN,
                               _("Sign in to Microsoft Entra first"));
      return;
    }
  if (self->estate == NULL)
    self->estate = pv_entra_estate_new ();
  pv_entra_estate_refresh_async (self->estate, self->graph, progress, progress_data, cancellable,
                                 import_read_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_session_import_finish:
 * @result_out: (out caller-allocates) (optional): what the import did
 * @tracked: (out) (optional) (transfer full) (element-type PvTrackedApp):
 *   every tracked app, as saved
 */
gboolean
pv_entra_session_import_finish (PvEntraSession  *self,
                                GAsyncResult    *result,
                                PvEntraImport   *result_out,
                                GPtrArray      **tracked,
                                GError         **error)
{
  Import *i = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_session_import_async, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (result_out != NULL)
    *result_out = i->result;
  if (tracked != NULL)
    *tracked = g_steal_pointer (&i->tracked);
  return TRUE;
}
