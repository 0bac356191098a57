/* pv-event-info.c: one event of a connection: a SCIM change or a step of a token's life
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-event-info"

#include "config.h"

#include "pv-json-read.h"
#include "pv-event-info.h"

/* One event of a connection: a SCIM change or a step of a token's life (Event in docs/openapi.json).  Updating from a newer answer
 * notifies only what changed; times are seconds since the epoch, 0 for none. */

struct _PvEventInfo
{
  GObject       parent_instance;

  gint64        id;
  gint64        at;
  char *        event_type;
  char *        token_id;
  char *        token_prefix;
  char *        operation;
  gint          status;
  char *        user_agent;
  char *        detail;
};

G_DEFINE_FINAL_TYPE (PvEventInfo, pv_event_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AT,
  PROP_EVENT_TYPE,
  PROP_TOKEN_ID,
  PROP_TOKEN_PREFIX,
  PROP_OPERATION,
  PROP_STATUS,
  PROP_USER_AGENT,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pv_event_info_finalize (GObject *object)
{
  PvEventInfo *self = (PvEventInfo *) object;

  g_free (self->event_type);
  g_free (self->token_id);
  g_free (self->token_prefix);
  g_free (self->operation);
  g_free (self->user_agent);
  g_free (self->detail);

  G_OBJECT_CLASS (pv_event_info_parent_class)->finalize (object);
}

static void
pv_event_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PvEventInfo *self = PV_EVENT_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_AT:
      g_value_set_int64 (value, self->at);
      break;
    case PROP_EVENT_TYPE:
      g_value_set_string (value, self->event_type);
      break;
    case PROP_TOKEN_ID:
      g_value_set_string (value, self->token_id);
      break;
    case PROP_TOKEN_PREFIX:
      g_value_set_string (value, self->token_prefix);
      break;
    case PROP_OPERATION:
      g_value_set_string (value, self->operation);
      break;
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_event_info_class_init (PvEventInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_event_info_finalize;
  object_class->get_property = pv_event_info_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_AT] = g_param_spec_int64 ("at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_EVENT_TYPE] = g_param_spec_string ("event-type", NULL, NULL, NULL, flags);
  properties[PROP_TOKEN_ID] = g_param_spec_string ("token-id", NULL, NULL, NULL, flags);
  properties[PROP_TOKEN_PREFIX] = g_param_spec_string ("token-prefix", NULL, NULL, NULL, flags);
  properties[PROP_OPERATION] = g_param_spec_string ("operation", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, -1, G_MAXINT, 0, flags);
  properties[PROP_USER_AGENT] = g_param_spec_string ("user-agent", NULL, NULL, NULL, flags);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_event_info_init (PvEventInfo *self)
{
  self->status = -1;
}

PvEventInfo *
pv_event_info_new (void)
{
  return g_object_new (PV_TYPE_EVENT_INFO, NULL);
}

/**
 * pv_event_info_update_from_json:
 * @error: a %PV_ERROR_INVALID_RESPONSE if @object is not what the API sends
 *
 * Brings the object up to date; on error nothing changes.
 */
gboolean
pv_event_info_update_from_json (PvEventInfo  *self,
                               JsonObject  *object,
                               GError     **error)
{
  gint64 id = 0;
  gint64 at = 0;
  const char *event_type = NULL;
  const char *token_id = NULL;
  const char *token_prefix = NULL;
  const char *operation = NULL;
  gint status = -1;
  const char *user_agent = NULL;
  const char *detail = NULL;

  g_return_val_if_fail (PV_IS_EVENT_INFO (self), FALSE);

  if (!pv_json_read_int64 (object, "id", FALSE, &id, error) ||
      !pv_json_read_time (object, "at", FALSE, &at, error) ||
      !pv_json_read_string (object, "type", FALSE, &event_type, error) ||
      !pv_json_read_string (object, "token_id", TRUE, &token_id, error) ||
      !pv_json_read_string (object, "token_prefix", TRUE, &token_prefix, error) ||
      !pv_json_read_string (object, "operation", FALSE, &operation, error) ||
      !pv_json_read_int (object, "status", TRUE, &status, error) ||
      !pv_json_read_string (object, "user_agent", TRUE, &user_agent, error) ||
      !pv_json_read_string (object, "detail", TRUE, &detail, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }
  if (self->at != at)
    {
      self->at = at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT]);
    }
  if (g_strcmp0 (self->event_type, event_type) != 0)
    {
      g_free (self->event_type);
      self->event_type = g_strdup (event_type);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_TYPE]);
    }
  if (g_strcmp0 (self->token_id, token_id) != 0)
    {
      g_free (self->token_id);
      self->token_id = g_strdup (token_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_ID]);
    }
  if (g_strcmp0 (self->token_prefix, token_prefix) != 0)
    {
      g_free (self->token_prefix);
      self->token_prefix = g_strdup (token_prefix);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_PREFIX]);
    }
  if (g_strcmp0 (self->operation, operation) != 0)
    {
      g_free (self->operation);
      self->operation = g_strdup (operation);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION]);
    }
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (g_strcmp0 (self->user_agent, user_agent) != 0)
    {
      g_free (self->user_agent);
      self->user_agent = g_strdup (user_agent);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_AGENT]);
    }
  if (g_strcmp0 (self->detail, detail) != 0)
    {
      g_free (self->detail);
      self->detail = g_strdup (detail);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gint64
pv_event_info_get_id (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), 0);
  return self->id;
}

gint64
pv_event_info_get_at (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), 0);
  return self->at;
}

const char *
pv_event_info_get_event_type (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->event_type;
}

const char *
pv_event_info_get_token_id (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->token_id;
}

const char *
pv_event_info_get_token_prefix (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->token_prefix;
}

const char *
pv_event_info_get_operation (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->operation;
}

gint
pv_event_info_get_status (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), -1);
  return self->status;
}

const char *
pv_event_info_get_user_agent (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->user_agent;
}

const char *
pv_event_info_get_detail (PvEventInfo *self)
{
  g_return_val_if_fail (PV_IS_EVENT_INFO (self), NULL);
  return self->detail;
}
