/* pv-connection-info.c: one provisioning connection of a tenant
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-connection-info"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-connection-info.h"
#include "pv-json-read.h"
#include "pv-list.h"
#include "pv-error.h"
#include "pv-token-info.h"

/* The users or persons connection as the management API describes it
 * (Connection in docs/openapi.json), with its tokens and deleted tokens as
 * list models a view binds to.  An update keeps the token objects it already
 * has (matched by id), so a bound row only redraws what changed. */

struct _PvConnectionInfo
{
  GObject     parent_instance;

  char       *kind;
  char       *identity_provider;
  char       *scim_base_url;
  char       *in_use_token_id;
  gint64      last_request_at;
  gboolean    expiry_unknown;
  GListStore *tokens;
  GListStore *deleted_tokens;
};

G_DEFINE_FINAL_TYPE (PvConnectionInfo, pv_connection_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_IDENTITY_PROVIDER,
  PROP_SCIM_BASE_URL,
  PROP_IN_USE_TOKEN_ID,
  PROP_LAST_REQUEST_AT,
  PROP_TOKENS,
  PROP_DELETED_TOKENS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pv_connection_info_finalize (GObject *object)
{
  PvConnectionInfo *self = (PvConnectionInfo *) object;

  g_free (self->kind);
  g_free (self->identity_provider);
  g_free (self->scim_base_url);
  g_free (self->in_use_token_id);
  g_clear_object (&self->tokens);
  g_clear_object (&self->deleted_tokens);

  G_OBJECT_CLASS (pv_connection_info_parent_class)->finalize (object);
}

static void
pv_connection_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PvConnectionInfo *self = PV_CONNECTION_INFO (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_IDENTITY_PROVIDER:
      g_value_set_string (value, self->identity_provider);
      break;
    case PROP_SCIM_BASE_URL:
      g_value_set_string (value, self->scim_base_url);
      break;
    case PROP_IN_USE_TOKEN_ID:
      g_value_set_string (value, self->in_use_token_id);
      break;
    case PROP_LAST_REQUEST_AT:
      g_value_set_int64 (value, self->last_request_at);
      break;
    case PROP_TOKENS:
      g_value_set_object (value, self->tokens);
      break;
    case PROP_DELETED_TOKENS:
      g_value_set_object (value, self->deleted_tokens);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_connection_info_class_init (PvConnectionInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_connection_info_finalize;
  object_class->get_property = pv_connection_info_get_property;

  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_IDENTITY_PROVIDER] = g_param_spec_string ("identity-provider", NULL, NULL, NULL, flags);
  properties[PROP_SCIM_BASE_URL] = g_param_spec_string ("scim-base-url", NULL, NULL, NULL, flags);
  /* The token of the identity provider's last request: the one provisioning depends on */
  properties[PROP_IN_USE_TOKEN_ID] = g_param_spec_string ("in-use-token-id", NULL, NULL, NULL, flags);
  /* The identity provider's last request, 0 if none */
  properties[PROP_LAST_REQUEST_AT] = g_param_spec_int64 ("last-request-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOKENS] = g_param_spec_object ("tokens", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_DELETED_TOKENS] = g_param_spec_object ("deleted-tokens", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_connection_info_init (PvConnectionInfo *self)
{
  self->tokens = g_list_store_new (PV_TYPE_TOKEN_INFO);
  self->deleted_tokens = g_list_store_new (PV_TYPE_TOKEN_INFO);
}

PvConnectionInfo *
pv_connection_info_new (void)
{
  return g_object_new (PV_TYPE_CONNECTION_INFO, NULL);
}

static void
set_string (PvConnectionInfo *self,
            char            **field,
            const char       *value,
            guint             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static PvTokenInfo *
find_token (GListStore *store,
            const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_strcmp0 (pv_token_info_get_id (token), id) == 0)
        return g_steal_pointer (&token);
    }
  return NULL;
}

/* The tokens of @array, reusing those of @store; NULL on a malformed item. */
static GPtrArray *
tokens_from_json (GListStore  *store,
                  JsonArray   *array,
                  GError     **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonNode *id = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), "id") : NULL;
      g_autoptr(PvTokenInfo) token = NULL;

      if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
        {
          g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, _("The tenant's answer lists a token without an id"));
          return NULL;
        }
      token = find_token (store, json_node_get_string (id));
      if (token == NULL)
        token = pv_token_info_new ();
      if (!pv_token_info_update_from_json (token, json_node_get_object (node), error))
        return NULL;
      g_ptr_array_add (tokens, g_steal_pointer (&token));
    }
  return g_steal_pointer (&tokens);
}

static JsonArray *
array_member (JsonObject  *object,
              const char  *member,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, _("The tenant's answer has no usable “%s”"), member);
      return NULL;
    }
  return json_node_get_array (node);
}

/**
 * pv_connection_info_update_from_json:
 * @object: a Connection of the management API
 * @error: a %PV_ERROR_INVALID_RESPONSE if @object is not one
 *
 * Brings the connection and its token lists up to date.
 */
gboolean
pv_connection_info_update_from_json (PvConnectionInfo  *self,
                                     JsonObject        *object,
                                     GError           **error)
{
  JsonArray *tokens_json, *deleted_json;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  const char *kind = pv_json_string_member (object, "kind");
  const char *url = pv_json_string_member (object, "scim_base_url");
  gint64 last_request_at = 0;

  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), FALSE);

  if (kind == NULL || url == NULL)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, _("The tenant's answer is not a provisioning connection"));
      return FALSE;
    }
  if (!pv_json_read_time (object, "last_request_at", TRUE, &last_request_at, error))
    return FALSE;
  if (!(tokens_json = array_member (object, "tokens", error)) ||
      !(deleted_json = array_member (object, "deleted_tokens", error)) ||
      !(tokens = tokens_from_json (self->tokens, tokens_json, error)) ||
      !(deleted = tokens_from_json (self->deleted_tokens, deleted_json, error)))
    return FALSE;

  /* A tracked app's token whose expiry nobody has told yet (never sent
   * by provisiod, which always knows). */
  self->expiry_unknown = json_object_has_member (object, "expiry_unknown") &&
                         JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "expiry_unknown")) &&
                         json_object_get_boolean_member (object, "expiry_unknown");
  set_string (self, &self->kind, kind, PROP_KIND);
  set_string (self, &self->identity_provider, pv_json_string_member (object, "identity_provider"), PROP_IDENTITY_PROVIDER);
  set_string (self, &self->scim_base_url, url, PROP_SCIM_BASE_URL);
  set_string (self, &self->in_use_token_id, pv_json_string_member (object, "last_request_token_id"),
              PROP_IN_USE_TOKEN_ID);
  if (self->last_request_at != last_request_at)
    {
      self->last_request_at = last_request_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_REQUEST_AT]);
    }
  pv_list_store_update (self->tokens, tokens);
  pv_list_store_update (self->deleted_tokens, deleted);
  return TRUE;
}

const char *
pv_connection_info_get_kind (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return self->kind;
}

/**
 * pv_connection_info_get_expiry_unknown:
 *
 * Returns: whether the connection's token is in use with an expiry nobody
 *   has told (a tracked app imported from Entra, until the admin sets it)
 */
gboolean
pv_connection_info_get_expiry_unknown (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), FALSE);
  return self->expiry_unknown;
}

const char *
pv_connection_info_get_identity_provider (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return self->identity_provider;
}

const char *
pv_connection_info_get_scim_base_url (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return self->scim_base_url;
}

/**
 * pv_connection_info_get_tokens:
 *
 * Returns: (transfer none): the tokens that are not deleted, newest first
 */
GListModel *
pv_connection_info_get_tokens (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return G_LIST_MODEL (self->tokens);
}

/**
 * pv_connection_info_get_deleted_tokens:
 *
 * Returns: (transfer none): the deleted tokens, listed until their original expiry
 */
GListModel *
pv_connection_info_get_deleted_tokens (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return G_LIST_MODEL (self->deleted_tokens);
}

/**
 * pv_connection_info_get_in_use_token_id:
 *
 * Returns: (nullable): the id of the token of the identity provider's last
 *   request, which revoking would stop provisioning with
 */
const char *
pv_connection_info_get_in_use_token_id (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), NULL);
  return self->in_use_token_id;
}

/**
 * pv_connection_info_get_last_request_at:
 *
 * Returns: when the identity provider's last request arrived, 0 if never
 */
gint64
pv_connection_info_get_last_request_at (PvConnectionInfo *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_INFO (self), 0);
  return self->last_request_at;
}
