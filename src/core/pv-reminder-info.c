/* pv-reminder-info.c: what is due for one token or certificate
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-reminder-info"

#include "config.h"

#include "pv-json-read.h"
#include "pv-reminder-info.h"

/* What is due for one token or certificate (ReminderItem in docs/openapi.json).  Updating from a newer answer
 * notifies only what changed; times are seconds since the epoch, 0 for none. */

struct _PvReminderInfo
{
  GObject       parent_instance;

  char *        subject;
  char *        connection;
  char *        token_id;
  gint64        expires_at;
  gint64        days_left;
  PvExpiryState state;
  gint          crossed_threshold;
  gint64        next_reminder_at;
  gboolean      due;
};

G_DEFINE_FINAL_TYPE (PvReminderInfo, pv_reminder_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SUBJECT,
  PROP_CONNECTION,
  PROP_TOKEN_ID,
  PROP_EXPIRES_AT,
  PROP_DAYS_LEFT,
  PROP_STATE,
  PROP_CROSSED_THRESHOLD,
  PROP_NEXT_REMINDER_AT,
  PROP_DUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pv_reminder_info_finalize (GObject *object)
{
  PvReminderInfo *self = (PvReminderInfo *) object;

  g_free (self->subject);
  g_free (self->connection);
  g_free (self->token_id);

  G_OBJECT_CLASS (pv_reminder_info_parent_class)->finalize (object);
}

static void
pv_reminder_info_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PvReminderInfo *self = PV_REMINDER_INFO (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_CONNECTION:
      g_value_set_string (value, self->connection);
      break;
    case PROP_TOKEN_ID:
      g_value_set_string (value, self->token_id);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;
    case PROP_DAYS_LEFT:
      g_value_set_int64 (value, self->days_left);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CROSSED_THRESHOLD:
      g_value_set_int (value, self->crossed_threshold);
      break;
    case PROP_NEXT_REMINDER_AT:
      g_value_set_int64 (value, self->next_reminder_at);
      break;
    case PROP_DUE:
      g_value_set_boolean (value, self->due);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_reminder_info_class_init (PvReminderInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_reminder_info_finalize;
  object_class->get_property = pv_reminder_info_get_property;

  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_CONNECTION] = g_param_spec_string ("connection", NULL, NULL, NULL, flags);
  properties[PROP_TOKEN_ID] = g_param_spec_string ("token-id", NULL, NULL, NULL, flags);
  properties[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DAYS_LEFT] = g_param_spec_int64 ("days-left", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PV_TYPE_EXPIRY_STATE, PV_EXPIRY_OK, flags);
  properties[PROP_CROSSED_THRESHOLD] = g_param_spec_int ("crossed-threshold", NULL, NULL, -1, G_MAXINT, 0, flags);
  properties[PROP_NEXT_REMINDER_AT] = g_param_spec_int64 ("next-reminder-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DUE] = g_param_spec_boolean ("due", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_reminder_info_init (PvReminderInfo *self)
{
  self->crossed_threshold = -1;
}

PvReminderInfo *
pv_reminder_info_new (void)
{
  return g_object_new (PV_TYPE_REMINDER_INFO, NULL);
}

/**
 * pv_reminder_info_update_from_json:
 * @error: a %PV_ERROR_INVALID_RESPONSE if @object is not what the API sends
 *
 * Brings the object up to date; on error nothing changes.
 */
gboolean
pv_reminder_info_update_from_json (PvReminderInfo  *self,
                                  JsonObject  *object,
                                  GError     **error)
{
  const char *subject = NULL;
  const char *connection = NULL;
  const char *token_id = NULL;
  gint64 expires_at = 0;
  gint64 days_left = 0;
  PvExpiryState state = 0;
  gint crossed_threshold = -1;
  gint64 next_reminder_at = 0;
  gboolean due = 0;

  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), FALSE);

  if (!pv_json_read_string (object, "subject", FALSE, &subject, error) ||
      !pv_json_read_string (object, "connection", TRUE, &connection, error) ||
      !pv_json_read_string (object, "token_id", TRUE, &token_id, error) ||
      !pv_json_read_time (object, "expires_at", FALSE, &expires_at, error) ||
      !pv_json_read_int64 (object, "days_left", FALSE, &days_left, error) ||
      !pv_json_read_state (object, "state", FALSE, &state, error) ||
      !pv_json_read_int (object, "crossed_threshold_days", TRUE, &crossed_threshold, error) ||
      !pv_json_read_time (object, "next_reminder_at", TRUE, &next_reminder_at, error) ||
      !pv_json_read_boolean (object, "due", FALSE, &due, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->subject, subject) != 0)
    {
      g_free (self->subject);
      self->subject = g_strdup (subject);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
    }
  if (g_strcmp0 (self->connection, connection) != 0)
    {
      g_free (self->connection);
      self->connection = g_strdup (connection);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
    }
  if (g_strcmp0 (self->token_id, token_id) != 0)
    {
      g_free (self->token_id);
      self->token_id = g_strdup (token_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_ID]);
    }
  if (self->expires_at != expires_at)
    {
      self->expires_at = expires_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES_AT]);
    }
  if (self->days_left != days_left)
    {
      self->days_left = days_left;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAYS_LEFT]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->crossed_threshold != crossed_threshold)
    {
      self->crossed_threshold = crossed_threshold;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CROSSED_THRESHOLD]);
    }
  if (self->next_reminder_at != next_reminder_at)
    {
      self->next_reminder_at = next_reminder_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_REMINDER_AT]);
    }
  if (self->due != due)
    {
      self->due = due;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

const char *
pv_reminder_info_get_subject (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), NULL);
  return self->subject;
}

const char *
pv_reminder_info_get_connection (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), NULL);
  return self->connection;
}

const char *
pv_reminder_info_get_token_id (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), NULL);
  return self->token_id;
}

gint64
pv_reminder_info_get_expires_at (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), 0);
  return self->expires_at;
}

gint64
pv_reminder_info_get_days_left (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), 0);
  return self->days_left;
}

PvExpiryState
pv_reminder_info_get_state (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), PV_EXPIRY_OK);
  return self->state;
}

gint
pv_reminder_info_get_crossed_threshold (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), -1);
  return self->crossed_threshold;
}

gint64
pv_reminder_info_get_next_reminder_at (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), 0);
  return self->next_reminder_at;
}

gboolean
pv_reminder_info_get_due (PvReminderInfo *self)
{
  g_return_val_if_fail (PV_IS_REMINDER_INFO (self), FALSE);
  return self->due;
}
