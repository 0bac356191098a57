/* pv-token-info.c: what the tenant says about one SCIM token
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-token-info"

#include "config.h"

#include "pv-json-read.h"
#include "pv-token-info.h"

/* A token or a deleted token of a provisioning connection, as the
 * management API describes it (Token and DeletedToken in docs/openapi.json).
 * Updating from a newer answer notifies only what changed, so that a view
 * bound to it redraws only that.  Times are seconds since the epoch, 0 when
 * there is none; the secret is never here. */

struct _PvTokenInfo
{
  GObject       parent_instance;

  char         *id;
  char         *prefix;
  char         *description;
  char         *created_by;
  gint64        created_at;
  gint64        expires_at;
  gint64        last_used_at;
  PvExpiryState state;
  gboolean      deleted;
  char         *deleted_by;
  gint64        deleted_at;
  char         *replaced_by;
  char         *retire;
  gint64        retires_at;
  gboolean      rejected;
};

G_DEFINE_FINAL_TYPE (PvTokenInfo, pv_token_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PREFIX,
  PROP_DESCRIPTION,
  PROP_CREATED_BY,
  PROP_CREATED_AT,
  PROP_EXPIRES_AT,
  PROP_LAST_USED_AT,
  PROP_STATE,
  PROP_DELETED,
  PROP_DELETED_BY,
  PROP_DELETED_AT,
  PROP_REPLACED_BY,
  PROP_RETIRE,
  PROP_RETIRES_AT,
  PROP_REJECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pv_token_info_finalize (GObject *object)
{
  PvTokenInfo *self = (PvTokenInfo *) object;

  g_free (self->id);
  g_free (self->prefix);
  g_free (self->description);
  g_free (self->created_by);
  g_free (self->deleted_by);
  g_free (self->replaced_by);
  g_free (self->retire);

  G_OBJECT_CLASS (pv_token_info_parent_class)->finalize (object);
}

static void
pv_token_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PvTokenInfo *self = PV_TOKEN_INFO (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_PREFIX: g_value_set_string (value, self->prefix); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_CREATED_BY: g_value_set_string (value, self->created_by); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    case PROP_LAST_USED_AT: g_value_set_int64 (value, self->last_used_at); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_DELETED: g_value_set_boolean (value, self->deleted); break;
    case PROP_DELETED_BY: g_value_set_string (value, self->deleted_by); break;
    case PROP_DELETED_AT: g_value_set_int64 (value, self->deleted_at); break;
    case PROP_REPLACED_BY: g_value_set_string (value, self->replaced_by); break;
    case PROP_RETIRE: g_value_set_string (value, self->retire); break;
    case PROP_RETIRES_AT: g_value_set_int64 (value, self->retires_at); break;
    case PROP_REJECTED: g_value_set_boolean (value, self->rejected); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_token_info_class_init (PvTokenInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_token_info_finalize;
  object_class->get_property = pv_token_info_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_PREFIX] = g_param_spec_string ("prefix", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_BY] = g_param_spec_string ("created-by", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LAST_USED_AT] = g_param_spec_int64 ("last-used-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PV_TYPE_EXPIRY_STATE, PV_EXPIRY_OK, flags);
  properties[PROP_DELETED] = g_param_spec_boolean ("deleted", NULL, NULL, FALSE, flags);
  properties[PROP_DELETED_BY] = g_param_spec_string ("deleted-by", NULL, NULL, NULL, flags);
  properties[PROP_DELETED_AT] = g_param_spec_int64 ("deleted-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_REPLACED_BY] = g_param_spec_string ("replaced-by", NULL, NULL, NULL, flags);
  properties[PROP_RETIRE] = g_param_spec_string ("retire", NULL, NULL, NULL, flags);
  properties[PROP_RETIRES_AT] = g_param_spec_int64 ("retires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_REJECTED] = g_param_spec_boolean ("rejected", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_token_info_init (PvTokenInfo *self)
{
}

PvTokenInfo *
pv_token_info_new (void)
{
  return g_object_new (PV_TYPE_TOKEN_INFO, NULL);
}

static void
set_string (PvTokenInfo *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (PvTokenInfo *self,
           gint64      *field,
           gint64       value,
           guint        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * pv_token_info_update_from_json:
 * @object: a Token or a DeletedToken of the management API
 * @error: a %PV_ERROR_INVALID_RESPONSE if @object is not one
 *
 * Brings the token up to date; on error nothing changes.
 */
gboolean
pv_token_info_update_from_json (PvTokenInfo  *self,
                                JsonObject   *object,
                                GError      **error)
{
  const char *id, *prefix, *description, *created_by;
  const char *deleted_by = NULL, *replaced_by = NULL, *retire = NULL;
  gint64 created_at, expires_at, last_used_at, deleted_at = 0, retires_at = 0;
  gboolean deleted = json_object_has_member (object, "deleted_at");
  gboolean rejected = FALSE;
  PvExpiryState state = PV_EXPIRY_OK;

  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), FALSE);

  if (!pv_json_read_string (object, "id", FALSE, &id, error) ||
      !pv_json_read_string (object, "prefix", FALSE, &prefix, error) ||
      !pv_json_read_string (object, "description", FALSE, &description, error) ||
      !pv_json_read_string (object, "created_by", FALSE, &created_by, error) ||
      !pv_json_read_time (object, "created_at", FALSE, &created_at, error) ||
      !pv_json_read_time (object, "expires_at", FALSE, &expires_at, error) ||
      !pv_json_read_time (object, "last_used_at", TRUE, &last_used_at, error))
    return FALSE;
  if (deleted)
    {
      if (!pv_json_read_time (object, "deleted_at", FALSE, &deleted_at, error) ||
          !pv_json_read_string (object, "deleted_by", FALSE, &deleted_by, error))
        return FALSE;
      state = expires_at <= deleted_at ? PV_EXPIRY_EXPIRED : PV_EXPIRY_OK;
    }
  else
    {
      if (!pv_json_read_state (object, "state", FALSE, &state, error) ||
          !pv_json_read_string (object, "replaced_by", TRUE, &replaced_by, error) ||
          !pv_json_read_string (object, "retire", TRUE, &retire, error) ||
          !pv_json_read_time (object, "retires_at", TRUE, &retires_at, error))
        return FALSE;
      /* Not the management API's: a tracked app's token its vendor refuses
       * (pv_tracked_app_to_state()) */
      if (json_object_has_member (object, "rejected") &&
          !pv_json_read_boolean (object, "rejected", FALSE, &rejected, error))
        return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->id, id, PROP_ID);
  set_string (self, &self->prefix, prefix, PROP_PREFIX);
  set_string (self, &self->description, description, PROP_DESCRIPTION);
  set_string (self, &self->created_by, created_by, PROP_CREATED_BY);
  set_int64 (self, &self->created_at, created_at, PROP_CREATED_AT);
  set_int64 (self, &self->expires_at, expires_at, PROP_EXPIRES_AT);
  set_int64 (self, &self->last_used_at, last_used_at, PROP_LAST_USED_AT);
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->deleted != deleted)
    {
      self->deleted = deleted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
    }
  set_string (self, &self->deleted_by, deleted_by, PROP_DELETED_BY);
  set_int64 (self, &self->deleted_at, deleted_at, PROP_DELETED_AT);
  set_string (self, &self->replaced_by, replaced_by, PROP_REPLACED_BY);
  set_string (self, &self->retire, retire, PROP_RETIRE);
  set_int64 (self, &self->retires_at, retires_at, PROP_RETIRES_AT);
  if (self->rejected != rejected)
    {
      self->rejected = rejected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

const char *
pv_token_info_get_id (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->id;
}

const char *
pv_token_info_get_prefix (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->prefix;
}

const char *
pv_token_info_get_description (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->description;
}

const char *
pv_token_info_get_created_by (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->created_by;
}

gint64
pv_token_info_get_created_at (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), 0);
  return self->created_at;
}

gint64
pv_token_info_get_expires_at (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), 0);
  return self->expires_at;
}

gint64
pv_token_info_get_last_used_at (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), 0);
  return self->last_used_at;
}

PvExpiryState
pv_token_info_get_state (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), PV_EXPIRY_OK);
  return self->state;
}

gboolean
pv_token_info_get_deleted (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), FALSE);
  return self->deleted;
}

const char *
pv_token_info_get_deleted_by (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->deleted_by;
}

gint64
pv_token_info_get_deleted_at (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), 0);
  return self->deleted_at;
}

const char *
pv_token_info_get_replaced_by (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->replaced_by;
}

/**
 * pv_token_info_get_retire:
 *
 * Returns: (nullable): what the tenant does with this token now that a
 *   newer one replaces it ("on-first-use", "never"), or %NULL
 */
const char *
pv_token_info_get_retire (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), NULL);
  return self->retire;
}

/**
 * pv_token_info_get_retires_at:
 *
 * Returns: when the tenant retires this token unless the identity
 *   provider uses it again before, or 0 while its retirement has not
 *   started (the identity provider has made no change with its
 *   replacement yet, docs/provisiod.md)
 */
gint64
pv_token_info_get_retires_at (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), 0);
  return self->retires_at;
}

/**
 * pv_token_info_get_rejected:
 *
 * Returns: whether the token's vendor refused it at the last check (a
 *   tracked app's token, pv-tracked-check.c): provisioning with it has
 *   stopped, whatever its dates say
 */
gboolean
pv_token_info_get_rejected (PvTokenInfo *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_INFO (self), FALSE);
  return self->rejected;
}
