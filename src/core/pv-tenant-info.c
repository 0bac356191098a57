/* pv-tenant-info.c: everything known of one tenant, for views to bind to
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tenant-info"

#include "config.h"

#include "pv-cache.h"
#include "pv-connection-info.h"
#include "pv-error.h"
#include "pv-json-read.h"
#include "pv-list.h"
#include "pv-reminder-info.h"
#include "pv-tenant-info.h"

/* A tenant Provisio watches: its profile (id, address), what its answers
 * say (name, the account of the admin key, the provisioning connections,
 * the SSO configuration, the reminders), and when that was fetched.
 * refresh asks the tenant (four requests at once) and keeps the answers
 * for offline use; show_cached shows the last known state, read by
 * pv_cache_read() in a worker thread, without a network.  The state is {"tenant", "provisioning", "sso", "reminders"},
 * the management API's own answers. */

struct _PvTenantInfo
{
  GObject     parent_instance;

  char       *id;
  char       *base_url;
  char       *name;
  char       *account;
  char       *server_id;    /* the tenant's id on its server */
  gint64      fetched_at;
  GListStore *connections;
  GListStore *reminders;
  PvSsoInfo  *sso;
  GError     *error;
  PvExpiryState state;
  PvExpiryPolicy policy;    /* the tenant's own reminder schedule */
  gint64      clock_skew;   /* the tenant's clock minus ours, at the last fetch */
  gboolean    no_cache;     /* the demo's: its state is not kept */
  char       *key_id;       /* the admin API key Provisio holds */
  char       *key_prefix;
  gint64      key_created_at;
  gint64      key_expires_at;
  PvExpiryState key_state;
  guint       refreshes;    /* refreshes started */
  guint       shown;        /* the refresh whose answers are shown */
};

G_DEFINE_FINAL_TYPE (PvTenantInfo, pv_tenant_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_BASE_URL,
  PROP_NAME,
  PROP_ACCOUNT,
  PROP_FETCHED_AT,
  PROP_CONNECTIONS,
  PROP_REMINDERS,
  PROP_SSO,
  PROP_ERROR,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pv_tenant_info_finalize (GObject *object)
{
  PvTenantInfo *self = (PvTenantInfo *) object;

  g_free (self->id);
  g_free (self->base_url);
  g_free (self->name);
  g_free (self->account);
  g_free (self->server_id);
  g_free (self->key_id);
  g_free (self->key_prefix);
  g_clear_object (&self->connections);
  g_clear_object (&self->reminders);
  g_clear_object (&self->sso);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (pv_tenant_info_parent_class)->finalize (object);
}

static void
pv_tenant_info_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PvTenantInfo *self = PV_TENANT_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_FETCHED_AT:
      g_value_set_int64 (value, self->fetched_at);
      break;
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
      break;
    case PROP_REMINDERS:
      g_value_set_object (value, self->reminders);
      break;
    case PROP_SSO:
      g_value_set_object (value, self->sso);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_tenant_info_class_init (PvTenantInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_tenant_info_finalize;
  object_class->get_property = pv_tenant_info_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, flags);
  properties[PROP_FETCHED_AT] = g_param_spec_int64 ("fetched-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CONNECTIONS] = g_param_spec_object ("connections", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_REMINDERS] = g_param_spec_object ("reminders", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_SSO] = g_param_spec_object ("sso", NULL, NULL, PV_TYPE_SSO_INFO, flags);
  /* Why the last refresh failed, or NULL */
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  /* The most pressing #PvExpiryState of the tenant's reminders */
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PV_TYPE_EXPIRY_STATE, PV_EXPIRY_OK, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PvTenantInfo::changed:
   *
   * Emitted once after each update of what is known of the tenant (its
   * answers, its error), for views that redraw as a whole.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pv_tenant_info_init (PvTenantInfo *self)
{
  self->connections = g_list_store_new (PV_TYPE_CONNECTION_INFO);
  self->reminders = g_list_store_new (PV_TYPE_REMINDER_INFO);
  self->sso = pv_sso_info_new ();
  pv_expiry_policy_init_default (&self->policy);
}

/**
 * pv_tenant_info_new:
 * @profile: the tenant's profile; copied
 *
 * Returns: (transfer full): a tenant of which nothing is known yet
 */
PvTenantInfo *
pv_tenant_info_new (const PvProfile *profile)
{
  PvTenantInfo *self = g_object_new (PV_TYPE_TENANT_INFO, NULL);

  self->id = g_strdup (profile->id);
  self->base_url = g_strdup (profile->base_url);
  return self;
}

static void
set_string (PvTenantInfo *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
update_connections (PvTenantInfo  *self,
                    JsonObject    *provisioning,
                    GError       **error)
{
  JsonNode *node = json_object_get_member (provisioning, "connections");
  JsonArray *array;
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return pv_json_invalid (error, "connections");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(PvConnectionInfo) connection = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return pv_json_invalid (error, "connections");
      /* The same kind keeps its object: views bound to it stay bound. */
      if (i < n_old)
        connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      if (connection == NULL ||
          g_strcmp0 (pv_connection_info_get_kind (connection),
                     json_object_get_string_member_with_default (json_node_get_object (element), "kind", "")) != 0)
        {
          g_clear_object (&connection);
          connection = pv_connection_info_new ();
        }
      if (!pv_connection_info_update_from_json (connection, json_node_get_object (element), error))
        return FALSE;
      g_ptr_array_add (connections, g_steal_pointer (&connection));
    }
  pv_list_store_update (self->connections, connections);
  return TRUE;
}

/* The tenant's schedule, if it says one that makes sense; the default
 * otherwise (an older tenant, a schedule out of range). */
static void
update_policy (PvTenantInfo *self,
               JsonObject   *reminders)
{
  JsonNode *node = json_object_get_member (reminders, "thresholds_days");
  gint64 days[PV_EXPIRY_MAX_THRESHOLDS];
  gsize n = 0;
  JsonArray *array;

  pv_expiry_policy_init_default (&self->policy);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array) && n < G_N_ELEMENTS (days); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        return;
      days[n++] = json_node_get_int (element);
    }
  if (n == 0 || !pv_expiry_policy_set_thresholds (&self->policy, days, n, NULL))
    pv_expiry_policy_init_default (&self->policy);
}

static gboolean
update_reminders (PvTenantInfo  *self,
                  JsonObject    *reminders,
                  GError       **error)
{
  JsonNode *node = json_object_get_member (reminders, "items");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  PvExpiryState state = PV_EXPIRY_OK;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return pv_json_invalid (error, "items");
  update_policy (self, reminders);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(PvReminderInfo) reminder = pv_reminder_info_new ();

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !pv_reminder_info_update_from_json (reminder, json_node_get_object (element), error))
        return error == NULL || *error != NULL ? FALSE : pv_json_invalid (error, "items");
      g_ptr_array_add (items, g_steal_pointer (&reminder));
    }
  g_list_store_splice (self->reminders, 0, g_list_model_get_n_items (G_LIST_MODEL (self->reminders)),
                       items->pdata, items->len);
  for (guint i = 0; i < items->len; i++)
    state = MAX (state, pv_reminder_info_get_state (g_ptr_array_index (items, i)));
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  return TRUE;
}

/**
 * pv_tenant_info_update_from_json:
 * @state: {"tenant", "provisioning", "sso", "reminders"}: the management
 *   API's answers; a part that is missing is left as it was
 *
 * Returns: %FALSE with a %PV_ERROR_INVALID_RESPONSE if a part is malformed
 */
gboolean
pv_tenant_info_update_from_json (PvTenantInfo  *self,
                                 JsonObject    *state,
                                 GError       **error)
{
  JsonObject *tenant = pv_json_object_member (state, "tenant");
  JsonObject *provisioning = pv_json_object_member (state, "provisioning");
  JsonObject *sso = pv_json_object_member (state, "sso");
  JsonObject *reminders = pv_json_object_member (state, "reminders");
  const char *name = NULL, *account = NULL, *server_id = NULL;
  JsonObject *key = tenant ? pv_json_object_member (tenant, "api_key") : NULL;
  const char *key_id = NULL, *key_prefix = NULL;
  gint64 key_created_at = 0, key_expires_at = 0;
  PvExpiryState key_state = PV_EXPIRY_OK;

  g_return_val_if_fail (PV_IS_TENANT_INFO (self), FALSE);

  if (json_object_has_member (state, "clock_skew"))
    {
      JsonNode *node = json_object_get_member (state, "clock_skew");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return pv_json_invalid (error, "clock_skew");
      self->clock_skew = json_node_get_int (node);
    }

  if (tenant != NULL &&
      (!pv_json_read_string (tenant, "name", FALSE, &name, error) ||
       !pv_json_read_string_in (key, "owner", FALSE, &account, error) ||
       /* A tracked app or a SAML certificate has no id on a server */
       (json_object_has_member (tenant, "id") &&
        !pv_json_read_string (tenant, "id", TRUE, &server_id, error)) ||
       /* A tracked app or a SAML certificate has no key: no "id" */
       (key != NULL && json_object_has_member (key, "id") &&
        (!pv_json_read_string (key, "id", TRUE, &key_id, error) ||
         !pv_json_read_string (key, "prefix", TRUE, &key_prefix, error) ||
         !pv_json_read_time (key, "created_at", TRUE, &key_created_at, error) ||
         !pv_json_read_time (key, "expires_at", TRUE, &key_expires_at, error))) ||
       /* Not in what Provisio 1.x kept */
       (key != NULL && json_object_has_member (key, "state") &&
        !pv_json_read_state (key, "state", TRUE, &key_state, error))))
    return FALSE;
  if ((provisioning != NULL && !update_connections (self, provisioning, error)) ||
      (sso != NULL && !pv_sso_info_update_from_json (self->sso, sso, error)) ||
      (reminders != NULL && !update_reminders (self, reminders, error)))
    return FALSE;
  if (tenant != NULL)
    {
      set_string (self, &self->name, name, PROP_NAME);
      set_string (self, &self->account, account, PROP_ACCOUNT);
      g_free (self->server_id);
      self->server_id = g_strdup (server_id);
      g_free (self->key_id);
      self->key_id = g_strdup (key_id);
      g_free (self->key_prefix);
      self->key_prefix = g_strdup (key_prefix);
      self->key_created_at = key_created_at;
      self->key_expires_at = key_expires_at;
      self->key_state = key_state;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static void
set_fetched_at (PvTenantInfo *self,
                gint64        when)
{
  if (self->fetched_at == when)
    return;
  self->fetched_at = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED_AT]);
}

/**
 * pv_tenant_info_set_known_at:
 * @when: when the state was last known to be so
 *
 * For a state known without asking the tenant, such as a tracked app's
 * (its dates, and when its token was last checked).
 */
void
pv_tenant_info_set_known_at (PvTenantInfo *self,
                             gint64        when)
{
  g_return_if_fail (PV_IS_TENANT_INFO (self));
  set_fetched_at (self, when);
}

/**
 * pv_tenant_info_set_error:
 * @error: (nullable): why the tenant could not be asked; copied
 *
 * Also set by refresh; views show it next to the last known state.
 */
void
pv_tenant_info_set_error (PvTenantInfo *self,
                          const GError *error)
{
  g_return_if_fail (PV_IS_TENANT_INFO (self));

  if (error == NULL && self->error == NULL)
    return;
  if (error != NULL && self->error != NULL && g_error_matches (self->error, error->domain, error->code) &&
      g_strcmp0 (self->error->message, error->message) == 0)
    return;
  g_clear_error (&self->error);
  self->error = error ? g_error_copy (error) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * pv_tenant_info_get_error:
 *
 * Returns: (transfer none) (nullable): why the last refresh failed
 */
const GError *
pv_tenant_info_get_error (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->error;
}

/**
 * pv_tenant_info_get_policy:
 *
 * Returns: (transfer none): the tenant's own reminder schedule (the
 *   default until its reminders are known)
 */
const PvExpiryPolicy *
pv_tenant_info_get_policy (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return &self->policy;
}

/**
 * pv_tenant_info_get_now:
 * @now: our clock, seconds since the epoch
 *
 * The tenant's clock, as known at the last fetch (pv_client_get_clock_skew()):
 * what every expiry of this tenant is judged by.
 *
 * Returns: @now corrected by the tenant's clock skew
 */
gint64
pv_tenant_info_get_now (PvTenantInfo *self,
                        gint64        now)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), now);
  return now + self->clock_skew;
}

/**
 * pv_tenant_info_get_state:
 *
 * Returns: the most pressing state among the tenant's tokens and SSO
 *   certificate, as its reminders said when fetched; what to show is
 *   pv_overview_tenant_state(), computed when shown
 */
PvExpiryState
pv_tenant_info_get_state (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), PV_EXPIRY_OK);
  return self->state;
}

/**
 * pv_tenant_info_get_key:
 * @out_id: (out) (optional) (transfer none): the key's id
 * @out_prefix: (out) (optional) (transfer none): its prefix, such as pva_AbC123
 * @out_created_at: (out) (optional): when it was issued
 * @out_expires_at: (out) (optional): when it expires
 *
 * The admin API key Provisio holds for the tenant, as the tenant last
 * described it.
 *
 * Returns: its state now, by the tenant's schedule and clock
 *   (%PV_EXPIRY_OK while unknown, with @out_expires_at 0)
 */
PvExpiryState
pv_tenant_info_get_key (PvTenantInfo  *self,
                        const char   **out_id,
                        const char   **out_prefix,
                        gint64        *out_created_at,
                        gint64        *out_expires_at)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), PV_EXPIRY_OK);

  if (out_id != NULL)
    *out_id = self->key_id;
  if (out_prefix != NULL)
    *out_prefix = self->key_prefix;
  if (out_created_at != NULL)
    *out_created_at = self->key_created_at;
  if (out_expires_at != NULL)
    *out_expires_at = self->key_expires_at;
  if (self->key_expires_at == 0)
    return self->key_state;
  /* Judged now, not as fetched: a key that expired since is expired. */
  return pv_expiry_state (pv_tenant_info_get_policy (self), self->key_expires_at,
                          pv_tenant_info_get_now (self, g_get_real_time () / G_USEC_PER_SEC));
}

/* Refreshing */

static const char *parts[] = { "tenant", "provisioning", "sso", "reminders" };
static const char *paths[] = { "/api/v1/tenant", "/api/v1/provisioning", "/api/v1/sso", "/api/v1/reminders" };

typedef struct {
  JsonObject *state;
  GError     *error;
  guint       pending;
  guint       serial;       /* its place among the refreshes started */
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_clear_pointer (&r->state, json_object_unref);
  g_clear_error (&r->error);
  g_free (r);
}

/* The refresh ends once its state is kept, so that two refreshes one after
 * the other cannot leave the older state on disk. */
static void
cached_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_cache_save_finish (result, &error))
    g_warning ("Could not keep the state for offline use: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* One of the four answers; the last one updates the models. */
typedef struct {
  GTask      *task;
  const char *part;
} Asked;

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Asked *asked = user_data;
  g_autoptr(GTask) task = asked->task;
  const char *part = asked->part;
  PvTenantInfo *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  JsonObject *answer = pv_client_request_finish (PV_CLIENT (source), result, &error);

  g_free (asked);
  if (answer != NULL)
    json_object_set_object_member (r->state, part, answer);
  else if (r->error == NULL)
    r->error = error;
  else
    g_clear_error (&error);

  if (--r->pending > 0)
    return;
  /* A refresh started later has its answers in already: these are older
   * (the overlap of a periodic refresh and a renewal's, for example), and
   * would show a token the renewal has since replaced as expired. */
  if (r->serial < self->shown)
    {
      g_clear_error (&r->error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->shown = r->serial;
  /* Kept with the answers, so that what is shown offline is judged by the
   * tenant's clock too. */
  json_object_set_int_member (r->state, "clock_skew", pv_client_get_clock_skew (PV_CLIENT (source)));
  if (r->error != NULL)
    {
      pv_tenant_info_set_error (self, r->error);
      g_task_return_error (task, g_steal_pointer (&r->error));
      return;
    }
  if (!pv_tenant_info_update_from_json (self, r->state, &error))
    {
      pv_tenant_info_set_error (self, error);
      g_task_return_error (task, error);
      return;
    }
  pv_tenant_info_set_error (self, NULL);
  set_fetched_at (self, g_get_real_time () / G_USEC_PER_SEC);
  if (self->no_cache)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  pv_cache_save_async (self->id, r->state, NULL, cached_cb, g_steal_pointer (&task));
}

/**
 * pv_tenant_info_set_keeps_state:
 * @keeps: whether each refresh keeps the state for offline use
 *
 * The demo's tenants keep nothing: their state would take the place of a
 * real tenant's of the same name.
 */
void
pv_tenant_info_set_keeps_state (PvTenantInfo *self,
                                gboolean      keeps)
{
  g_return_if_fail (PV_IS_TENANT_INFO (self));
  self->no_cache = !keeps;
}

/**
 * pv_tenant_info_refresh_async:
 * @client: a client for this tenant
 *
 * Asks the tenant for everything at once and updates the models; on
 * success the answers are kept for offline use before it finishes.
 */
void
pv_tenant_info_refresh_async (PvTenantInfo        *self,
                              PvClient            *client,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Refresh *r = g_new0 (Refresh, 1);

  g_task_set_source_tag (task, pv_tenant_info_refresh_async);
  r->state = json_object_new ();
  r->pending = G_N_ELEMENTS (paths);
  r->serial = ++self->refreshes;
  g_task_set_task_data (task, r, (GDestroyNotify) refresh_free);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      Asked *asked = g_new0 (Asked, 1);

      asked->task = i == 0 ? task : g_object_ref (task);
      asked->part = parts[i];
      pv_client_request_async (client, "GET", paths[i], NULL, cancellable, answered_cb, asked);
    }
}

gboolean
pv_tenant_info_refresh_finish (PvTenantInfo  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tenant_info_refresh_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_tenant_info_show_cached:
 * @state: a state pv_cache_read() gave
 * @fetched_at: when it was fetched, seconds since the epoch
 *
 * Shows the last known state, unless a refresh already showed a newer one.
 *
 * Returns: %FALSE if @state cannot be read
 */
gboolean
pv_tenant_info_show_cached (PvTenantInfo  *self,
                            JsonObject    *state,
                            gint64         fetched_at,
                            GError       **error)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  /* A refresh was quicker than the disk: its answers are newer. */
  if (self->fetched_at > fetched_at)
    return TRUE;
  if (!pv_tenant_info_update_from_json (self, state, error))
    return FALSE;
  set_fetched_at (self, fetched_at);
  return TRUE;
}

const char *
pv_tenant_info_get_id (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->id;
}

const char *
pv_tenant_info_get_base_url (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->base_url;
}

const char *
pv_tenant_info_get_name (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->name;
}

const char *
pv_tenant_info_get_account (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->account;
}

/**
 * pv_tenant_info_get_server_id:
 *
 * Returns: (nullable): the tenant's own id on its server, as its answers
 *   say it, or %NULL for a tracked app or one not reached yet
 */
const char *
pv_tenant_info_get_server_id (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->server_id;
}

gint64
pv_tenant_info_get_fetched_at (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), 0);
  return self->fetched_at;
}

/**
 * pv_tenant_info_get_connections:
 *
 * Returns: (transfer none): the users and persons connections (#PvConnectionInfo)
 */
GListModel *
pv_tenant_info_get_connections (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return G_LIST_MODEL (self->connections);
}

/**
 * pv_tenant_info_get_connection:
 * @kind: "users" or "persons"
 *
 * Returns: (transfer none) (nullable): the connection of that kind
 */
PvConnectionInfo *
pv_tenant_info_get_connection (PvTenantInfo *self,
                               const char   *kind)
{
  GListModel *connections;

  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);

  connections = G_LIST_MODEL (self->connections);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      /* The store keeps it alive. */
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (pv_connection_info_get_kind (connection), kind) == 0)
        return connection;
    }
  return NULL;
}

/**
 * pv_tenant_info_get_reminders:
 *
 * Returns: (transfer none): what is due, soonest first (#PvReminderInfo)
 */
GListModel *
pv_tenant_info_get_reminders (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return G_LIST_MODEL (self->reminders);
}

/**
 * pv_tenant_info_get_sso:
 *
 * Returns: (transfer none): the SSO configuration
 */
PvSsoInfo *
pv_tenant_info_get_sso (PvTenantInfo *self)
{
  g_return_val_if_fail (PV_IS_TENANT_INFO (self), NULL);
  return self->sso;
}
