/* pv-sso-info.c: a tenant's single sign-on configuration and its signing certificate
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-sso-info"

#include "config.h"

#include "pv-json-read.h"
#include "pv-sso-info.h"

/* A tenant's single sign-on configuration and its signing certificate (Sso in docs/openapi.json).  Updating from a newer answer
 * notifies only what changed; times are seconds since the epoch, 0 for none. */

struct _PvSsoInfo
{
  GObject       parent_instance;

  gboolean      configured;
  char *        protocol;
  char *        entity_id;
  char *        reply_url;
  char *        sign_on_url;
  char *        metadata_url;
  char *        idp_entity_id;
  gboolean      enforced;
  char *        certificate_subject;
  char *        certificate_fingerprint;
  gint64        certificate_not_after;
  PvExpiryState certificate_state;
};

G_DEFINE_FINAL_TYPE (PvSsoInfo, pv_sso_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIGURED,
  PROP_PROTOCOL,
  PROP_ENTITY_ID,
  PROP_REPLY_URL,
  PROP_SIGN_ON_URL,
  PROP_METADATA_URL,
  PROP_IDP_ENTITY_ID,
  PROP_ENFORCED,
  PROP_CERTIFICATE_SUBJECT,
  PROP_CERTIFICATE_FINGERPRINT,
  PROP_CERTIFICATE_NOT_AFTER,
  PROP_CERTIFICATE_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pv_sso_info_finalize (GObject *object)
{
  PvSsoInfo *self = (PvSsoInfo *) object;

  g_free (self->protocol);
  g_free (self->entity_id);
  g_free (self->reply_url);
  g_free (self->sign_on_url);
  g_free (self->metadata_url);
  g_free (self->idp_entity_id);
  g_free (self->certificate_subject);
  g_free (self->certificate_fingerprint);

  G_OBJECT_CLASS (pv_sso_info_parent_class)->finalize (object);
}

static void
pv_sso_info_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PvSsoInfo *self = PV_SSO_INFO (object);

  switch (prop_id)
    {
    case PROP_CONFIGURED:
      g_value_set_boolean (value, self->configured);
      break;
    case PROP_PROTOCOL:
      g_value_set_string (value, self->protocol);
      break;
    case PROP_ENTITY_ID:
      g_value_set_string (value, self->entity_id);
      break;
    case PROP_REPLY_URL:
      g_value_set_string (value, self->reply_url);
      break;
    case PROP_SIGN_ON_URL:
      g_value_set_string (value, self->sign_on_url);
      break;
    case PROP_METADATA_URL:
      g_value_set_string (value, self->metadata_url);
      break;
    case PROP_IDP_ENTITY_ID:
      g_value_set_string (value, self->idp_entity_id);
      break;
    case PROP_ENFORCED:
      g_value_set_boolean (value, self->enforced);
      break;
    case PROP_CERTIFICATE_SUBJECT:
      g_value_set_string (value, self->certificate_subject);
      break;
    case PROP_CERTIFICATE_FINGERPRINT:
      g_value_set_string (value, self->certificate_fingerprint);
      break;
    case PROP_CERTIFICATE_NOT_AFTER:
      g_value_set_int64 (value, self->certificate_not_after);
      break;
    case PROP_CERTIFICATE_STATE:
      g_value_set_enum (value, self->certificate_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_sso_info_class_init (PvSsoInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pv_sso_info_finalize;
  object_class->get_property = pv_sso_info_get_property;

  properties[PROP_CONFIGURED] = g_param_spec_boolean ("configured", NULL, NULL, FALSE, flags);
  properties[PROP_PROTOCOL] = g_param_spec_string ("protocol", NULL, NULL, NULL, flags);
  properties[PROP_ENTITY_ID] = g_param_spec_string ("entity-id", NULL, NULL, NULL, flags);
  properties[PROP_REPLY_URL] = g_param_spec_string ("reply-url", NULL, NULL, NULL, flags);
  properties[PROP_SIGN_ON_URL] = g_param_spec_string ("sign-on-url", NULL, NULL, NULL, flags);
  properties[PROP_METADATA_URL] = g_param_spec_string ("metadata-url", NULL, NULL, NULL, flags);
  properties[PROP_IDP_ENTITY_ID] = g_param_spec_string ("idp-entity-id", NULL, NULL, NULL, flags);
  properties[PROP_ENFORCED] = g_param_spec_boolean ("enforced", NULL, NULL, FALSE, flags);
  properties[PROP_CERTIFICATE_SUBJECT] = g_param_spec_string ("certificate-subject", NULL, NULL, NULL, flags);
  properties[PROP_CERTIFICATE_FINGERPRINT] = g_param_spec_string ("certificate-fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_CERTIFICATE_NOT_AFTER] = g_param_spec_int64 ("certificate-not-after", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CERTIFICATE_STATE] = g_param_spec_enum ("certificate-state", NULL, NULL, PV_TYPE_EXPIRY_STATE, PV_EXPIRY_OK, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pv_sso_info_init (PvSsoInfo *self)
{
}

PvSsoInfo *
pv_sso_info_new (void)
{
  return g_object_new (PV_TYPE_SSO_INFO, NULL);
}

/**
 * pv_sso_info_update_from_json:
 * @error: a %PV_ERROR_INVALID_RESPONSE if @object is not what the API sends
 *
 * Brings the object up to date; on error nothing changes.
 */
gboolean
pv_sso_info_update_from_json (PvSsoInfo  *self,
                             JsonObject  *object,
                             GError     **error)
{
  JsonNode *certificate = json_object_get_member (object, "certificate");
  JsonObject *certificate_object = NULL;
  gboolean configured = 0;
  const char *protocol = NULL;
  const char *entity_id = NULL;
  const char *reply_url = NULL;
  const char *sign_on_url = NULL;
  const char *metadata_url = NULL;
  const char *idp_entity_id = NULL;
  gboolean enforced = 0;
  const char *certificate_subject = NULL;
  const char *certificate_fingerprint = NULL;
  gint64 certificate_not_after = 0;
  PvExpiryState certificate_state = 0;

  g_return_val_if_fail (PV_IS_SSO_INFO (self), FALSE);

  /* The certificate is an object, or null before one was uploaded. */
  if (certificate == NULL || (!JSON_NODE_HOLDS_NULL (certificate) && !JSON_NODE_HOLDS_OBJECT (certificate)))
    return pv_json_invalid (error, "certificate");
  if (JSON_NODE_HOLDS_OBJECT (certificate))
    certificate_object = json_node_get_object (certificate);

  if (!pv_json_read_boolean (object, "configured", FALSE, &configured, error) ||
      !pv_json_read_string (object, "protocol", FALSE, &protocol, error) ||
      !pv_json_read_string (object, "entity_id", FALSE, &entity_id, error) ||
      !pv_json_read_string (object, "reply_url", FALSE, &reply_url, error) ||
      !pv_json_read_string (object, "sign_on_url", FALSE, &sign_on_url, error) ||
      !pv_json_read_string (object, "metadata_url", FALSE, &metadata_url, error) ||
      !pv_json_read_string (object, "idp_entity_id", TRUE, &idp_entity_id, error) ||
      !pv_json_read_boolean (object, "enforced", FALSE, &enforced, error) ||
      !pv_json_read_string_in (certificate_object, "subject", TRUE, &certificate_subject, error) ||
      !pv_json_read_string_in (certificate_object, "fingerprint_sha256", TRUE, &certificate_fingerprint, error) ||
      !pv_json_read_time_in (certificate_object, "not_after", TRUE, &certificate_not_after, error) ||
      !pv_json_read_state_in (certificate_object, "state", TRUE, &certificate_state, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->configured != configured)
    {
      self->configured = configured;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIGURED]);
    }
  if (g_strcmp0 (self->protocol, protocol) != 0)
    {
      g_free (self->protocol);
      self->protocol = g_strdup (protocol);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
    }
  if (g_strcmp0 (self->entity_id, entity_id) != 0)
    {
      g_free (self->entity_id);
      self->entity_id = g_strdup (entity_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTITY_ID]);
    }
  if (g_strcmp0 (self->reply_url, reply_url) != 0)
    {
      g_free (self->reply_url);
      self->reply_url = g_strdup (reply_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_URL]);
    }
  if (g_strcmp0 (self->sign_on_url, sign_on_url) != 0)
    {
      g_free (self->sign_on_url);
      self->sign_on_url = g_strdup (sign_on_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_ON_URL]);
    }
  if (g_strcmp0 (self->metadata_url, metadata_url) != 0)
    {
      g_free (self->metadata_url);
      self->metadata_url = g_strdup (metadata_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METADATA_URL]);
    }
  if (g_strcmp0 (self->idp_entity_id, idp_entity_id) != 0)
    {
      g_free (self->idp_entity_id);
      self->idp_entity_id = g_strdup (idp_entity_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDP_ENTITY_ID]);
    }
  if (self->enforced != enforced)
    {
      self->enforced = enforced;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENFORCED]);
    }
  if (g_strcmp0 (self->certificate_subject, certificate_subject) != 0)
    {
      g_free (self->certificate_subject);
      self->certificate_subject = g_strdup (certificate_subject);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE_SUBJECT]);
    }
  if (g_strcmp0 (self->certificate_fingerprint, certificate_fingerprint) != 0)
    {
      g_free (self->certificate_fingerprint);
      self->certificate_fingerprint = g_strdup (certificate_fingerprint);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE_FINGERPRINT]);
    }
  if (self->certificate_not_after != certificate_not_after)
    {
      self->certificate_not_after = certificate_not_after;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE_NOT_AFTER]);
    }
  if (self->certificate_state != certificate_state)
    {
      self->certificate_state = certificate_state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gboolean
pv_sso_info_get_configured (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), FALSE);
  return self->configured;
}

const char *
pv_sso_info_get_protocol (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->protocol;
}

const char *
pv_sso_info_get_entity_id (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->entity_id;
}

const char *
pv_sso_info_get_reply_url (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->reply_url;
}

const char *
pv_sso_info_get_sign_on_url (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->sign_on_url;
}

const char *
pv_sso_info_get_metadata_url (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->metadata_url;
}

const char *
pv_sso_info_get_idp_entity_id (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->idp_entity_id;
}

gboolean
pv_sso_info_get_enforced (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), FALSE);
  return self->enforced;
}

const char *
pv_sso_info_get_certificate_subject (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->certificate_subject;
}

const char *
pv_sso_info_get_certificate_fingerprint (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), NULL);
  return self->certificate_fingerprint;
}

gint64
pv_sso_info_get_certificate_not_after (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), 0);
  return self->certificate_not_after;
}

PvExpiryState
pv_sso_info_get_certificate_state (PvSsoInfo *self)
{
  g_return_val_if_fail (PV_IS_SSO_INFO (self), PV_EXPIRY_OK);
  return self->certificate_state;
}
