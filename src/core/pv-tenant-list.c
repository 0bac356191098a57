/* pv-tenant-list.c: the tenants Provisio watches, as a list model
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tenant-list"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "pv-admin-key.h"
#include "pv-cache.h"
#include "pv-credentials.h"
#include "pv-error.h"
#include "pv-files.h"
#include "pv-profiles.h"
#include "pv-tenant-list.h"
#include "pv-token.h"
#include "pv-tracked-app.h"
#include "pv-tracked-check.h"

/* A GListModel of #PvTenantInfo with what it takes to ask each tenant: the
 * profiles file (names and addresses), the admin API keys (from the
 * keyring, never kept anywhere else) and one #PvClient per tenant.
 *
 * A list made without a profiles file keeps nothing: the demo's tenants
 * live as long as the demo server, and their keys only in memory. */

struct _PvTenantList
{
  GObject     parent_instance;

  GFile      *profiles;    /* NULL: nothing is kept */
  GListStore *tenants;     /* PvTenantInfo */
  GHashTable *clients;     /* id -> PvClient */
  guint       n_refreshing;
  guint       refresh_total;
  guint       refresh_done;
  GPtrArray  *apps;        /* PvTrackedApp, shown after the tenants */
  GKeyFile   *checks;      /* their tokens' last checks */
  GHashTable *app_tokens;  /* without a profiles file: credential id -> token, in memory only */
  GHashTable *app_signatures;  /* id -> the verdicts its entry shows (checks_signature()) */
  GHashTable *apps_by_id;  /* id -> PvTrackedApp of @apps */
  gboolean    loading;     /* the cached states are being read */
  gboolean    offline;     /* the last known state only (pv_tenant_list_set_offline()) */
  GError     *app_tokens_error;  /* why the last refresh checked no tracked token */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PvTenantList, pv_tenant_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_REFRESHING,
  PROP_PROGRESS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return PV_TYPE_TENANT_INFO;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (PV_TENANT_LIST (model)->tenants));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (PV_TENANT_LIST (model)->tenants), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  PvTenantList *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
pv_tenant_list_finalize (GObject *object)
{
  PvTenantList *self = (PvTenantList *) object;

  g_clear_object (&self->profiles);
  g_clear_object (&self->tenants);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->apps, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_key_file_unref);
  g_clear_pointer (&self->app_tokens, g_hash_table_unref);
  g_clear_pointer (&self->app_signatures, g_hash_table_unref);
  g_clear_pointer (&self->apps_by_id, g_hash_table_unref);
  g_clear_error (&self->app_tokens_error);

  G_OBJECT_CLASS (pv_tenant_list_parent_class)->finalize (object);
}

static void
pv_tenant_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PvTenantList *self = PV_TENANT_LIST (object);

  switch (prop_id)
    {
    case PROP_REFRESHING:
      g_value_set_boolean (value, pv_tenant_list_get_refreshing (self));
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, pv_tenant_list_get_progress (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, pv_tenant_list_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_tenant_list_class_init (PvTenantListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pv_tenant_list_finalize;
  object_class->get_property = pv_tenant_list_get_property;

  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* While refreshing: the share of tenants that answered (or failed) */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* From pv_tenant_list_load_async() until every cached state is shown */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_tenant_list_init (PvTenantList *self)
{
  self->tenants = g_list_store_new (PV_TYPE_TENANT_INFO);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_tracked_app_free);
  self->checks = g_key_file_new ();
  self->app_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pv_secret_free);
  self->app_signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->apps_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect_object (self->tenants, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
}

/**
 * pv_tenant_list_new:
 * @profiles: (nullable): the tenants file (see pv_profiles_default_file());
 *   %NULL for a list that keeps nothing, as the demo's
 *
 * Returns: (transfer full): an empty list; load it with pv_tenant_list_load_async()
 */
PvTenantList *
pv_tenant_list_new (GFile *profiles)
{
  PvTenantList *self = g_object_new (PV_TYPE_TENANT_LIST, NULL);

  g_set_object (&self->profiles, profiles);
  return self;
}

/**
 * pv_tenant_list_set_offline:
 * @offline: whether to show the last known state only
 *
 * Set before loading.  An offline list looks up no key, so that no tenant
 * is asked and the keyring is not used, and a tenant whose last known
 * state cannot be read (none yet, or damaged) says why in
 * #PvTenantInfo:error: provisioctl's --offline.
 */
void
pv_tenant_list_set_offline (PvTenantList *self,
                            gboolean      offline)
{
  g_return_if_fail (PV_IS_TENANT_LIST (self));
  self->offline = !!offline;
}

/**
 * pv_tenant_list_get_client:
 *
 * Returns: (transfer none) (nullable): the client for @tenant, or %NULL if
 *   its key could not be found
 */
PvClient *
pv_tenant_list_get_client (PvTenantList *self,
                           PvTenantInfo *tenant)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);
  g_return_val_if_fail (PV_IS_TENANT_INFO (tenant), NULL);
  return g_hash_table_lookup (self->clients, pv_tenant_info_get_id (tenant));
}

/**
 * pv_tenant_list_lookup:
 *
 * Returns: (transfer none) (nullable): the tenant named @id
 */
PvTenantInfo *
pv_tenant_list_lookup (PvTenantList *self,
                       const char   *id)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);

      if (g_strcmp0 (pv_tenant_info_get_id (tenant), id) == 0)
        return tenant;
    }
  return NULL;
}

/**
 * pv_tenant_list_get_tracked_app:
 *
 * Tracked apps (pv-tracked-app.c) are in the list after the tenants, each
 * as a #PvTenantInfo whose state is known here rather than asked for.
 *
 * Returns: (transfer none) (nullable): the tracked app @tenant stands for,
 *   or %NULL for a tenant
 */
PvTrackedApp *
pv_tenant_list_get_tracked_app (PvTenantList *self,
                                PvTenantInfo *tenant)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);

  return g_hash_table_lookup (self->apps_by_id, pv_tenant_info_get_id (tenant));
}

/**
 * pv_tenant_list_get_apps_file:
 *
 * Returns: (transfer full) (nullable): apps.ini, next to the tenants file;
 *   %NULL for a list that keeps nothing
 */
GFile *
pv_tenant_list_get_apps_file (PvTenantList *self)
{
  g_autoptr(GFile) dir = NULL;

  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);
  if (self->profiles == NULL)
    return NULL;
  dir = g_file_get_parent (self->profiles);
  return g_file_get_child (dir, "apps.ini");
}

/**
 * pv_tenant_list_get_checks:
 *
 * Returns: (transfer none): the last check of each tracked token
 */
GKeyFile *
pv_tenant_list_get_checks (PvTenantList *self)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);
  return self->checks;
}

/* What a tracked app's entry shows of its checks: their verdicts */
static char *
checks_signature (GKeyFile           *checks,
                  const PvTrackedApp *app)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);
      PvProbeVerdict verdict;

      if (pv_tracked_checks_get (checks, app, connection->kind, &verdict, NULL, NULL))
        g_string_append_printf (s, "%s=%d;", connection->kind, verdict);
    }
  return g_string_free (s, FALSE);
}

/* A tracked app's entry, as of @checks; in any thread. */
static PvTenantInfo *
new_app_info (GKeyFile           *checks,
              const PvTrackedApp *app,
              gint64              now)
{
  g_autoptr(GHashTable) verdicts = pv_tracked_checks_verdicts (checks, app);
  PvTenantInfo *info = pv_tracked_app_new_info (app, verdicts, now);

  /* As of its tokens' last check */
  pv_tenant_info_set_known_at (info, pv_tracked_checks_last (checks, app));
  return info;
}

static PvTenantInfo *
tracked_app_info (PvTenantList       *self,
                  const PvTrackedApp *app)
{
  g_hash_table_replace (self->app_signatures, g_strdup (app->id), checks_signature (self->checks, app));
  return new_app_info (self->checks, app, g_get_real_time () / G_USEC_PER_SEC);
}

/* A tracked app's entry shown anew in place, the same object: its page,
 * its row and what they show stay (pv-app-page.c). */
static void
update_app_info (PvTenantList       *self,
                 const PvTrackedApp *app,
                 PvTenantInfo       *info,
                 gint64              now)
{
  g_autoptr(PvVendor) vendor = pv_vendor_lookup (app->vendor, NULL);
  g_autoptr(GHashTable) verdicts = pv_tracked_checks_verdicts (self->checks, app);
  g_autoptr(JsonObject) state = NULL;

  if (vendor == NULL)
    vendor = pv_vendor_lookup ("other", NULL);
  state = pv_tracked_app_to_state (app, vendor, verdicts, now);
  pv_tenant_info_update_from_json (info, state, NULL);
  pv_tenant_info_set_known_at (info, pv_tracked_checks_last (self->checks, app));
}

/* The verdicts on tokens that @app replaces: a new token recorded (a
 * renewal's, once the identity provider provisions with it) or tracked
 * anew.  The old token's verdict would be shown as the new one's until the
 * next check, up to PV_TRACKED_CHECK_INTERVAL later; without it the next
 * refresh asks about the new token at once. */
static void
forget_replaced_checks (PvTenantList       *self,
                        const PvTrackedApp *old,
                        const PvTrackedApp *app)
{
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *now = g_ptr_array_index (app->connections, i);
      PvTrackedConnection *before = pv_tracked_app_get_connection ((PvTrackedApp *) old, now->kind);

      if (before == NULL)
        continue;
      if ((before->pending_since != 0 && now->pending_since == 0) ||
          before->issued_at != now->issued_at || before->expires_at != now->expires_at)
        pv_tracked_checks_forget (self->checks, app, now->kind);
    }
}

/**
 * pv_tenant_list_add_tracked_app:
 * @app: (transfer full): the app; or, to add a connection, the one
 *   pv_tenant_list_get_tracked_app() returns, grown by it
 * @kind: its connection whose token is @token
 * @token: (nullable): the token, kept in memory only
 *
 * Shows a tracked app after the tenants, or anew if it is there.  A list
 * that keeps nothing, as the demo's, keeps @token in memory; others have
 * it in the keyring (pv_tracked_app_track_async()).
 */
void
pv_tenant_list_add_tracked_app (PvTenantList *self,
                                PvTrackedApp *app,
                                const char   *kind,
                                const char   *token)
{
  g_autoptr(PvTenantInfo) info = NULL;

  g_return_if_fail (PV_IS_TENANT_LIST (self));
  /* Only a list that keeps nothing keeps tokens, in memory */
  g_return_if_fail (token == NULL || self->profiles == NULL);

  if (token != NULL)
    {
      g_autofree char *credential = pv_tracked_app_credential_id (app, kind);
      const char *before = g_hash_table_lookup (self->app_tokens, credential);

      if (before != NULL && !g_str_equal (before, token))
        pv_tracked_checks_forget (self->checks, app, kind);
      g_hash_table_replace (self->app_tokens, g_steal_pointer (&credential), g_strdup (token));
    }
  for (guint i = 0; i < self->apps->len; i++)
    if (g_str_equal (((PvTrackedApp *) g_ptr_array_index (self->apps, i))->id, app->id))
      {
        PvTenantInfo *shown = pv_tenant_list_lookup (self, app->id);

        /* The same app, grown by a connection, or one in its place */
        if (self->apps->pdata[i] != app)
          {
            PvTrackedApp *old = self->apps->pdata[i];

            forget_replaced_checks (self, old, app);
            g_hash_table_remove (self->apps_by_id, app->id);
            g_hash_table_insert (self->apps_by_id, app->id, app);
            self->apps->pdata[i] = app;
            pv_tracked_app_free (old);
          }
        /* Shown anew in place: the same entry, so that its page stays */
        g_hash_table_replace (self->app_signatures, g_strdup (app->id), checks_signature (self->checks, app));
        if (shown != NULL)
          update_app_info (self, app, shown, g_get_real_time () / G_USEC_PER_SEC);
        return;
      }
  info = tracked_app_info (self, app);
  g_ptr_array_add (self->apps, app);
  g_hash_table_replace (self->apps_by_id, app->id, app);
  g_list_store_append (self->tenants, info);
}

/**
 * pv_tenant_list_get_app_tokens_error:
 *
 * Returns: (transfer none) (nullable): why the last refresh could not
 *   check the tracked apps' tokens (the keyring's error), or %NULL
 */
const GError *
pv_tenant_list_get_app_tokens_error (PvTenantList *self)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), NULL);
  return self->app_tokens_error;
}

/**
 * pv_tenant_list_get_progress:
 *
 * Returns: while refreshing, the share of tenants done, from 0 to 1
 */
double
pv_tenant_list_get_progress (PvTenantList *self)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), 0);
  return self->refresh_total ? (double) self->refresh_done / self->refresh_total : 1;
}

gboolean
pv_tenant_list_get_refreshing (PvTenantList *self)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), FALSE);
  return self->n_refreshing > 0;
}

static void
set_client (PvTenantList    *self,
            const PvProfile *profile,
            const char      *key)
{
  g_hash_table_replace (self->clients, g_strdup (profile->id), pv_profile_new_client (profile, key));
}

/* Loading: every file a launch shows (the tracked apps, their last checks,
 * the tenants and each one's last known state) is read and parsed in one
 * worker thread, and each tenant's PvTenantInfo made there and filled with
 * its last known state; the main loop then adds them all at once, each
 * already showing it, and the keys are looked up.  The app starts this as
 * it builds its window, and the window's first frame shows every entry.
 *
 * The objects are made in the worker with nothing connected to them, and
 * only handed over whole: one thread uses them at a time, which is what
 * GObject asks.  Each state's parsed JSON is freed as soon as its tenant
 * has read it, not kept for all the tenants at once. */

typedef struct {
  /* Read in the worker */
  GFile      *apps_file;
  GFile      *checks_file;
  GFile      *profiles_file;
  gboolean    offline;
  GPtrArray  *apps;       /* PvTrackedApp */
  char       *checks;
  gsize       checks_length;
  GPtrArray  *profiles;   /* PvProfile, how to reach each tenant */
  GPtrArray  *infos;      /* PvTenantInfo, one for each profile */
  GPtrArray  *app_infos;  /* PvTenantInfo, one for each app */
  GHashTable *app_signatures; /* as PvTenantList's */
  GError     *read_error; /* the apps' list's or the tenants' list's */
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->apps_file);
  g_clear_object (&load->checks_file);
  g_clear_object (&load->profiles_file);
  g_clear_pointer (&load->apps, g_ptr_array_unref);
  g_free (load->checks);
  g_clear_pointer (&load->infos, g_ptr_array_unref);
  g_clear_pointer (&load->app_infos, g_ptr_array_unref);
  g_clear_pointer (&load->app_signatures, g_hash_table_unref);
  g_clear_pointer (&load->profiles, g_ptr_array_unref);
  g_clear_error (&load->read_error);
  g_free (load);
}

static void
set_loading (PvTenantList *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GKeyFile) checks = g_key_file_new ();
  g_autofree char *apps = NULL;
  g_autofree char *profiles = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize length;

  if (!pv_file_load_list (load->apps_file, cancellable, &apps, &length, &load->read_error) ||
      (load->apps = pv_tracked_apps_parse (apps, length, &load->read_error)) == NULL)
    goto done;
  /* No checks yet, or unreadable ones: the next refresh makes them. */
  if (!g_file_load_contents (load->checks_file, cancellable, &load->checks, &load->checks_length, NULL, NULL) ||
      !g_key_file_load_from_data (checks, load->checks, load->checks_length, G_KEY_FILE_NONE, NULL))
    g_clear_pointer (&load->checks, g_free);
  /* The apps' entries too, as the tenants' below */
  load->app_infos = g_ptr_array_new_full (load->apps->len, g_object_unref);
  load->app_signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < load->apps->len; i++)
    {
      const PvTrackedApp *app = g_ptr_array_index (load->apps, i);

      g_ptr_array_add (load->app_infos, new_app_info (checks, app, now));
      g_hash_table_replace (load->app_signatures, g_strdup (app->id), checks_signature (checks, app));
    }
  if (!pv_file_load_list (load->profiles_file, cancellable, &profiles, &length, &load->read_error) ||
      (load->profiles = pv_profiles_parse (profiles, length, g_file_peek_path (load->profiles_file),
                                           &load->read_error)) == NULL)
    goto done;
  load->infos = g_ptr_array_new_full (load->profiles->len, g_object_unref);
  for (guint i = 0; i < load->profiles->len; i++)
    {
      const PvProfile *profile = g_ptr_array_index (load->profiles, i);
      PvTenantInfo *info = pv_tenant_info_new (profile);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) state = NULL;
      gint64 fetched_at;

      g_ptr_array_add (load->infos, info);
      /* No cached state yet is normal; a damaged one is replaced at the
       * next refresh.  Offline, where there is no refresh, the tenant says
       * why. */
      state = pv_cache_read (profile->id, &fetched_at, cancellable, &error);
      if (state != NULL && pv_tenant_info_show_cached (info, state, fetched_at, &error))
        continue;
      if (load->offline)
        pv_tenant_info_set_error (info, error);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_debug ("No usable cached state for %s: %s", profile->id, error->message);
    }
done:
  g_task_return_boolean (task, TRUE);
}

static void
keys_found_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) error = NULL;

  keys = pv_credentials_lookup_all_finish (result, &error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);
      const char *id = pv_tenant_info_get_id (tenant);
      const char *key = keys ? g_hash_table_lookup (keys, id) : NULL;
      const PvProfile *profile = NULL;

      if (pv_tenant_list_get_tracked_app (self, tenant) != NULL)
        continue;
      for (guint j = 0; j < load->profiles->len && profile == NULL; j++)
        if (g_str_equal (((PvProfile *) g_ptr_array_index (load->profiles, j))->id, id))
          profile = g_ptr_array_index (load->profiles, j);
      if (key != NULL && profile != NULL)
        {
          set_client (self, profile, key);
          continue;
        }
      if (error != NULL)
        pv_tenant_info_set_error (tenant, error);
      else
        {
          g_autoptr(GError) missing = g_error_new (PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND,
                                                   _("The keyring holds no admin API key for this tenant"));
          pv_tenant_info_set_error (tenant, missing);
        }
    }
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer id, signature;

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      set_loading (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (load->apps == NULL)
    {
      set_loading (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&load->read_error));
      return;
    }
  g_ptr_array_unref (self->apps);
  self->apps = g_steal_pointer (&load->apps);
  g_hash_table_remove_all (self->apps_by_id);
  for (guint i = 0; i < self->apps->len; i++)
    g_hash_table_replace (self->apps_by_id, ((PvTrackedApp *) g_ptr_array_index (self->apps, i))->id,
                          g_ptr_array_index (self->apps, i));
  if (load->checks != NULL)
    g_key_file_load_from_data (self->checks, load->checks, load->checks_length, G_KEY_FILE_NONE, NULL);
  if (load->profiles == NULL)
    {
      set_loading (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&load->read_error));
      return;
    }

  for (guint i = 0; i < load->infos->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (load->infos, i)));
  for (guint i = 0; i < load->app_infos->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (load->app_infos, i)));
  g_hash_table_iter_init (&iter, load->app_signatures);
  while (g_hash_table_iter_next (&iter, &id, &signature))
    {
      g_hash_table_replace (self->app_signatures, id, signature);
      g_hash_table_iter_steal (&iter);
    }
  g_list_store_splice (self->tenants, 0, g_list_model_get_n_items (G_LIST_MODEL (self->tenants)),
                       all->pdata, all->len);
  set_loading (self, FALSE);

  if (load->infos->len == 0 || self->offline)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  pv_credentials_lookup_all_async (PV_CREDENTIAL_ADMIN_KEY, g_task_get_cancellable (task),
                                   keys_found_cb, g_object_ref (task));
}

/**
 * pv_tenant_list_load_async:
 *
 * Reads the tenants file, shows each tenant's last known state and finds
 * the keys.  If the keyring cannot be used the list is still filled, each
 * tenant says why, and the finish function gives the keyring's error.
 */
void
pv_tenant_list_load_async (PvTenantList        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Load *load;

  g_task_set_source_tag (task, pv_tenant_list_load_async);
  g_task_set_task_data (task, g_new0 (Load, 1), (GDestroyNotify) load_free);
  if (self->profiles == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  set_loading (self, TRUE);
  load = g_task_get_task_data (task);
  load->apps_file = pv_tenant_list_get_apps_file (self);
  load->checks_file = pv_tracked_checks_default_file ();
  load->profiles_file = g_object_ref (self->profiles);
  load->offline = self->offline;
  {
    GTask *read = g_task_new (self, cancellable, read_cb, task);

    g_task_set_source_tag (read, read_thread);
    g_task_set_task_data (read, load, NULL);
    g_task_run_in_thread (read, read_thread);
    g_object_unref (read);
  }
}

/**
 * pv_tenant_list_get_loading:
 *
 * Returns: %TRUE from pv_tenant_list_load_async() until every tenant's
 *   cached state is shown (the keys may still be looked up), so that a
 *   view can show them all at once rather than one by one
 */
gboolean
pv_tenant_list_get_loading (PvTenantList *self)
{
  g_return_val_if_fail (PV_IS_TENANT_LIST (self), FALSE);
  return self->loading;
}

gboolean
pv_tenant_list_load_finish (PvTenantList  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_list_load_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Refreshing every tenant at once */

typedef struct {
  guint      pending;
  guint      failed;
  GPtrArray *tenants;   /* PvTenantInfo, those to ask */
  GPtrArray *clients;   /* PvClient, each tenant's */
  guint      next;      /* the first not asked yet */
  guint      asking;    /* asked, not answered yet */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_pointer (&refresh->tenants, g_ptr_array_unref);
  g_clear_pointer (&refresh->clients, g_ptr_array_unref);
  g_free (refresh);
}

static void start_refreshes (GTask *task,
                             guint  at_most);

static void
refreshing_done (PvTenantList *self)
{
  if (--self->n_refreshing == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

static void
tenant_refreshed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error))
    refresh->failed++;
  self->refresh_done++;
  refresh->asking--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  /* One answered, the next asked */
  start_refreshes (task, 1);
  if (--refresh->pending > 0)
    return;
  refreshing_done (self);
  g_task_return_int (task, refresh->failed);
}

static void
checks_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_warning ("Could not keep the tracked tokens' checks: %s", error->message);
}

/* Each app whose verdicts changed shows them anew, a few per main-loop
 * iteration: the first check of 300 apps changes all of them. */
#define APP_UPDATES_AT_ONCE 16

typedef struct {
  GTask     *task;
  GPtrArray *changed;   /* ids of the apps to show anew */
  guint      next;
} AppUpdates;

static void
finish_app_refresh (GTask *task)
{
  PvTenantList *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);

  self->refresh_done += self->apps->len;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  if (--refresh->pending > 0)
    return;
  refreshing_done (self);
  g_task_return_int (task, refresh->failed);
}

static gboolean
update_apps_cb (gpointer user_data)
{
  AppUpdates *updates = user_data;
  PvTenantList *self = g_task_get_source_object (updates->task);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint n = 0; n < APP_UPDATES_AT_ONCE && updates->next < updates->changed->len; n++)
    {
      PvTrackedApp *app = g_hash_table_lookup (self->apps_by_id, g_ptr_array_index (updates->changed, updates->next++));
      PvTenantInfo *info = app ? pv_tenant_list_lookup (self, app->id) : NULL;

      if (info != NULL)
        update_app_info (self, app, info, now);
    }
  if (updates->next < updates->changed->len)
    return G_SOURCE_CONTINUE;
  finish_app_refresh (updates->task);
  g_object_unref (updates->task);
  g_ptr_array_unref (updates->changed);
  g_free (updates);
  return G_SOURCE_REMOVE;
}

static void
apps_checked_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  g_autoptr(GFile) file = pv_tracked_checks_default_file ();
  AppUpdates *updates = g_new0 (AppUpdates, 1);
  guint n_probed = 0;

  pv_tracked_check_finish (result, &n_probed, NULL, NULL);
  updates->task = task;
  updates->changed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->apps->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (self->apps, i);
      g_autofree char *signature = checks_signature (self->checks, app);

      if (g_strcmp0 (g_hash_table_lookup (self->app_signatures, app->id), signature) == 0)
        continue;
      g_hash_table_replace (self->app_signatures, g_strdup (app->id), g_steal_pointer (&signature));
      g_ptr_array_add (updates->changed, g_strdup (app->id));
    }

  /* A list that keeps nothing keeps no checks either. */
  if (self->profiles != NULL && n_probed > 0)
    {
      gsize length;
      char *data = g_key_file_to_data (self->checks, &length, NULL);
      g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

      pv_file_write_private_async (file, bytes, NULL, checks_saved_cb, NULL);
    }
  g_idle_add (update_apps_cb, updates);
}

static void
app_tokens_found_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) tokens = NULL;

  g_clear_error (&self->app_tokens_error);
  if (result != NULL)
    tokens = pv_credentials_lookup_all_finish (result, &self->app_tokens_error);
  /* Without the keyring, only the dates: nothing to check.  A list that
   * keeps nothing has its tokens in memory. */
  if (tokens == NULL)
    tokens = g_hash_table_ref (self->app_tokens);
  pv_tracked_check_async (self->apps, tokens, self->checks, g_get_real_time () / G_USEC_PER_SEC, NULL,
                          g_task_get_cancellable (task), apps_checked_cb, task);
}

/* The tenants' requests start a few tenants per main-loop iteration:
 * 500 tenants' 2,000 requests queued at once held the window 150 ms.
 * And no more than REFRESH_ASKING tenants are asked at once, the next
 * when one answers: every tenant's requests queued at once (four each)
 * held their messages, and the answers read meanwhile, all together, for
 * as long as the refresh (the app's peak memory, docs/benchmarks.md).
 * 32 tenants are 128 requests, more than the session's 64 connections. */
#define REFRESH_STARTS_AT_ONCE 16
#define REFRESH_ASKING 32

static void
start_refreshes (GTask *task,
                 guint  at_most)
{
  Refresh *refresh = g_task_get_task_data (task);

  for (guint n = 0; n < at_most && refresh->asking < REFRESH_ASKING && refresh->next < refresh->tenants->len;
       n++, refresh->next++)
    {
      refresh->asking++;
      pv_tenant_info_refresh_async (g_ptr_array_index (refresh->tenants, refresh->next),
                                    g_ptr_array_index (refresh->clients, refresh->next),
                                    g_task_get_cancellable (task), tenant_refreshed_cb, g_object_ref (task));
    }
}

/* The first tenants asked, a few each main-loop iteration, until as many
 * are asked as may be; the answers ask the rest. */
static gboolean
start_refreshes_cb (gpointer user_data)
{
  GTask *task = user_data;
  Refresh *refresh = g_task_get_task_data (task);

  start_refreshes (task, REFRESH_STARTS_AT_ONCE);
  return refresh->asking < REFRESH_ASKING && refresh->next < refresh->tenants->len;
}

/**
 * pv_tenant_list_refresh_async:
 *
 * Asks every tenant, their requests started a few tenants per main-loop
 * iteration.  A tenant that cannot be asked keeps its last known state
 * and says why in #PvTenantInfo:error.
 */
void
pv_tenant_list_refresh_async (PvTenantList        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Refresh *refresh = g_new0 (Refresh, 1);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tenants));

  g_task_set_source_tag (task, pv_tenant_list_refresh_async);
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);

  if (self->n_refreshing == 0)
    self->refresh_total = self->refresh_done = 0;
  self->refresh_total += n;
  if (self->n_refreshing++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
  refresh->pending = 1;
  refresh->tenants = g_ptr_array_new_with_free_func (g_object_unref);
  refresh->clients = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);
      PvClient *client = pv_tenant_list_get_client (self, tenant);

      if (client == NULL && pv_tenant_list_get_tracked_app (self, tenant) != NULL)
        continue;
      if (client == NULL)
        {
          refresh->failed++;
          self->refresh_done++;
          continue;
        }
      refresh->pending++;
      g_ptr_array_add (refresh->tenants, g_object_ref (tenant));
      g_ptr_array_add (refresh->clients, g_object_ref (client));
    }
  if (self->apps->len > 0)
    {
      self->refresh_total += self->apps->len;
      refresh->pending++;
      if (self->profiles == NULL)
        app_tokens_found_cb (NULL, NULL, g_object_ref (task));
      else
        pv_credentials_lookup_all_async (PV_CREDENTIAL_APP_TOKEN, cancellable, app_tokens_found_cb,
                                         g_object_ref (task));
    }
  /* The one pending step that stands for the loop itself. */
  if (--refresh->pending == 0)
    {
      refreshing_done (self);
      g_task_return_int (task, refresh->failed);
    }
  if (start_refreshes_cb (task) == G_SOURCE_CONTINUE)
    g_idle_add_full (G_PRIORITY_DEFAULT, start_refreshes_cb, g_object_ref (task), g_object_unref);
}

/**
 * pv_tenant_list_refresh_finish:
 *
 * Returns: how many tenants could not be asked
 */
guint
pv_tenant_list_refresh_finish (PvTenantList  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_list_refresh_async, 0);
  return (guint) g_task_propagate_int (G_TASK (result), error);
}

/* Adding: checked live, the key kept in the keyring, then the profile. */

typedef struct {
  char         *id;
  char         *base_url;
  PvProfile    *profile;
  char         *key;
  PvClient     *client;
  PvTenantInfo *tenant;
  GPtrArray    *profiles;
} Add;

static void
add_free (Add *add)
{
  g_free (add->id);
  g_free (add->base_url);
  g_clear_pointer (&add->profile, pv_profile_free);
  if (add->key != NULL)
    secret_password_free (add->key);
  g_clear_object (&add->client);
  g_clear_object (&add->tenant);
  g_clear_pointer (&add->profiles, g_ptr_array_unref);
  g_free (add);
}

static void
add_complete (GTask *task)
{
  PvTenantList *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);
  PvTenantInfo *old = pv_tenant_list_lookup (self, add->id);
  guint position;

  g_hash_table_replace (self->clients, g_strdup (add->id), g_object_ref (add->client));
  if (old != NULL && g_list_store_find (self->tenants, old, &position))
    g_list_store_splice (self->tenants, position, 1, (gpointer *) &add->tenant, 1);
  else
    /* Before the tracked apps, which come after the tenants */
    g_list_store_insert (self->tenants, g_list_model_get_n_items (G_LIST_MODEL (self->tenants)) - self->apps->len,
                         add->tenant);
  g_task_return_pointer (task, g_object_ref (add->tenant), g_object_unref);
}

static void
added_refreshed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* It answered a moment ago; if it fails now, the tenant says why. */
  pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error);
  add_complete (task);
}

static void
add_refresh (GTask *task)
{
  Add *add = g_task_get_task_data (task);

  pv_tenant_info_refresh_async (add->tenant, add->client, g_task_get_cancellable (task),
                                added_refreshed_cb, task);
}

static void
profiles_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!pv_profiles_save_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  add_refresh (task);
}

static void
add_profiles_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);
  PvProfile *profile;
  GError *error = NULL;

  add->profiles = pv_profiles_load_finish (result, &error);
  if (add->profiles == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < add->profiles->len; i++)
    if (g_str_equal (((PvProfile *) g_ptr_array_index (add->profiles, i))->id, add->id))
      {
        g_ptr_array_remove_index (add->profiles, i);
        break;
      }
  profile = pv_profile_copy (add->profile);
  g_ptr_array_add (add->profiles, profile);
  pv_profiles_save_async (self->profiles, add->profiles, g_task_get_cancellable (task),
                          profiles_saved_cb, task);
}

static void
key_stored_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pv_credentials_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  pv_profiles_load_async (self->profiles, g_task_get_cancellable (task), add_profiles_loaded_cb, task);
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) state = json_object_new ();
  g_autofree char *label = NULL;
  PvProfile profile;
  GError *error = NULL;

  answer = pv_client_request_finish (add->client, result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  profile.id = add->id;
  profile.base_url = add->base_url;
  add->tenant = pv_tenant_info_new (&profile);
  /* A list that keeps nothing keeps no state either. */
  pv_tenant_info_set_keeps_state (add->tenant, self->profiles != NULL);
  json_object_set_object_member (state, "tenant", g_steal_pointer (&answer));
  if (!pv_tenant_info_update_from_json (add->tenant, state, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (self->profiles == NULL)
    {
      add_refresh (task);
      return;
    }
  label = pv_credentials_admin_key_label (add->id, add->base_url);
  pv_credentials_store_async (add->id, PV_CREDENTIAL_ADMIN_KEY, label, add->key,
                              g_task_get_cancellable (task), key_stored_cb, task);
}

/**
 * pv_tenant_list_add_async:
 * @id: the name the admin gives the tenant (see pv_profile_id_is_valid())
 * @base_url: the address of its management API
 * @key: its admin API key
 *
 * Checks the key against the tenant, keeps it in the keyring (unless the
 * list keeps nothing) and the tenant in the profiles file, and adds it to
 * the list, fetched; a tenant of the same name is replaced.  Nothing is
 * kept if the check fails.
 */
void
pv_tenant_list_add_async (PvTenantList        *self,
                          const char          *id,
                          const char          *base_url,
                          const char          *key,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  PvProfile profile = { (char *) id, (char *) base_url };

  pv_tenant_list_add_profile_async (self, &profile, key, cancellable, callback, user_data);
}

/**
 * pv_tenant_list_add_profile_async:
 * @profile: the tenant's name, address, and how to trust it (its pinned
 *   certificate, plain HTTP allowed)
 * @key: its admin API key
 *
 * As pv_tenant_list_add_async(), with the whole profile; finish it with
 * pv_tenant_list_add_finish().
 */
void
pv_tenant_list_add_profile_async (PvTenantList        *self,
                                  const PvProfile     *profile,
                                  const char          *key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Add *add = g_new0 (Add, 1);

  g_task_set_source_tag (task, pv_tenant_list_add_async);
  g_task_set_task_data (task, add, (GDestroyNotify) add_free);
  if (!pv_profile_id_is_valid (profile->id))
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                               _("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores"),
                               profile->id);
      g_object_unref (task);
      return;
    }
  add->id = g_strdup (profile->id);
  add->key = g_strdup (key);
  add->client = pv_profile_new_client (profile, key);
  add->base_url = g_strdup (pv_client_get_base_url (add->client));
  add->profile = pv_profile_copy (profile);
  g_free (add->profile->base_url);
  add->profile->base_url = g_strdup (add->base_url);
  pv_client_request_async (add->client, "GET", "/api/v1/tenant", NULL, cancellable, checked_cb, task);
}

/**
 * pv_tenant_list_add_finish:
 *
 * Returns: (transfer full): the tenant added
 */
PvTenantInfo *
pv_tenant_list_add_finish (PvTenantList  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_list_add_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removing: the profile, the cached state, then the key. */

static void
remove_step_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data);

typedef enum {
  REMOVE_PROFILE,
  REMOVE_CACHE,
  REMOVE_KEY,
  REMOVE_DONE,
} RemoveStep;

typedef struct {
  PvTenantInfo *tenant;
  GPtrArray    *profiles;
  RemoveStep    step;
} Remove;

static void
remove_free (Remove *r)
{
  g_clear_object (&r->tenant);
  g_clear_pointer (&r->profiles, g_ptr_array_unref);
  g_free (r);
}

static void
remove_next (GTask *task)
{
  PvTenantList *self = g_task_get_source_object (task);
  Remove *r = g_task_get_task_data (task);
  const char *id = pv_tenant_info_get_id (r->tenant);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint position;

  switch (r->step)
    {
    case REMOVE_PROFILE:
      for (guint i = 0; i < r->profiles->len; i++)
        if (g_str_equal (((PvProfile *) g_ptr_array_index (r->profiles, i))->id, id))
          {
            g_ptr_array_remove_index (r->profiles, i);
            break;
          }
      pv_profiles_save_async (self->profiles, r->profiles, cancellable, remove_step_cb, task);
      break;
    case REMOVE_CACHE:
      pv_cache_forget_async (id, cancellable, remove_step_cb, task);
      break;
    case REMOVE_KEY:
      pv_credentials_clear_async (id, PV_CREDENTIAL_ADMIN_KEY, cancellable, remove_step_cb, task);
      break;
    case REMOVE_DONE:
      g_hash_table_remove (self->clients, id);
      if (g_list_store_find (self->tenants, r->tenant, &position))
        g_list_store_remove (self->tenants, position);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
remove_step_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Remove *r = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  switch (r->step)
    {
    case REMOVE_PROFILE:
      ok = pv_profiles_save_finish (result, &error);
      break;
    case REMOVE_CACHE:
      ok = pv_cache_forget_finish (result, &error);
      break;
    case REMOVE_KEY:
      ok = pv_credentials_clear_finish (result, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  r->step++;
  remove_next (task);
}

static void
remove_profiles_loaded_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask *task = user_data;
  Remove *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->profiles = pv_profiles_load_finish (result, &error);
  if (r->profiles == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  remove_next (task);
}

/**
 * pv_tenant_list_remove_async:
 *
 * Forgets @tenant: its profile, its cached state and its key.  Nothing
 * changes on the tenant itself.
 */
void
pv_tenant_list_remove_async (PvTenantList        *self,
                             PvTenantInfo        *tenant,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Remove *r = g_new0 (Remove, 1);

  g_task_set_source_tag (task, pv_tenant_list_remove_async);
  r->tenant = g_object_ref (tenant);
  g_task_set_task_data (task, r, (GDestroyNotify) remove_free);
  if (self->profiles == NULL)
    {
      r->step = REMOVE_DONE;
      remove_next (task);
      return;
    }
  pv_profiles_load_async (self->profiles, cancellable, remove_profiles_loaded_cb, task);
}

gboolean
pv_tenant_list_remove_finish (PvTenantList  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_list_remove_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Renewing the admin API key */

static void
key_refreshed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The key is renewed whether or not the tenant answers this time. */
  if (!pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error))
    g_debug ("Could not refresh after renewing the key: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
key_rotated_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvTenantList *self = g_task_get_source_object (task);
  PvTenantInfo *tenant = g_task_get_task_data (task);
  PvClient *client = pv_tenant_list_get_client (self, tenant);
  g_autoptr(PvRotatedKey) key = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  key = pv_admin_key_rotate_finish (result, &error);
  if (key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Forgotten meanwhile: nothing to ask. */
  if (client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  client = pv_client_new_with_key (client, key->secret);
  g_hash_table_replace (self->clients, g_strdup (pv_tenant_info_get_id (tenant)), client);
  cancellable = g_task_get_cancellable (task);
  pv_tenant_info_refresh_async (tenant, client, cancellable, key_refreshed_cb, g_steal_pointer (&task));
}

/**
 * pv_tenant_list_rotate_key_async:
 * @tenant: a tenant of the list
 *
 * Renews the admin API key of @tenant in place (see
 * pv_admin_key_rotate_async()), then asks the tenant with the new key.  A
 * list that keeps nothing (the demo's) has no key to renew.
 */
void
pv_tenant_list_rotate_key_async (PvTenantList        *self,
                                 PvTenantInfo        *tenant,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PvClient *client;

  g_return_if_fail (PV_IS_TENANT_LIST (self));
  g_return_if_fail (PV_IS_TENANT_INFO (tenant));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_tenant_list_rotate_key_async);
  g_task_set_task_data (task, g_object_ref (tenant), g_object_unref);
  client = pv_tenant_list_get_client (self, tenant);
  if (self->profiles == NULL || client == NULL)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND, "%s",
                               self->profiles == NULL
                               ? _("The demo keeps no keys: there is nothing to renew")
                               : _("The keyring holds no admin API key for this tenant"));
      return;
    }
  pv_admin_key_rotate_async (pv_tenant_info_get_id (tenant), client, cancellable, key_rotated_cb,
                             g_steal_pointer (&task));
}

gboolean
pv_tenant_list_rotate_key_finish (PvTenantList  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_list_rotate_key_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
