/* pv-json-read.c: reading the members of a peer's JSON, type by type
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-json-read"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-error.h"
#include "pv-json-read.h"
#include "pv-time.h"

gboolean
pv_json_invalid (GError     **error,
                 const char  *member)
{
  g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
               _("The tenant's answer has no usable “%s”"), member);
  return FALSE;
}

/**
 * pv_json_object_member:
 * @object: (nullable): an object, or %NULL
 *
 * Returns: (transfer none) (nullable): @member of @object if it is an
 *   object; %NULL when it is missing, of another type, or @object is %NULL
 */
JsonObject *
pv_json_object_member (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * pv_json_string_member:
 * @object: (nullable): an object, or %NULL
 *
 * Returns: (transfer none) (nullable): @member of @object if it is a
 *   string; %NULL when it is missing, of another type, or @object is %NULL
 */
const char *
pv_json_string_member (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/**
 * pv_json_array_member:
 * @object: (nullable): an object, or %NULL
 *
 * Returns: (transfer none) (nullable): @member of @object if it is an
 *   array; %NULL when it is missing, of another type, or @object is %NULL
 */
JsonArray *
pv_json_array_member (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The member's node, or NULL for a JSON null that is allowed. */
static gboolean
member_value (JsonObject  *object,
              const char  *member,
              gboolean     nullable,
              GType        type,
              JsonNode   **out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node != NULL && nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return pv_json_invalid (error, member);
  *out = node;
  return TRUE;
}

gboolean
pv_json_read_string (JsonObject  *object,
                     const char  *member,
                     gboolean     nullable,
                     const char **out,
                     GError     **error)
{
  JsonNode *node;

  if (!member_value (object, member, nullable, G_TYPE_STRING, &node, error))
    return FALSE;
  *out = node ? json_node_get_string (node) : NULL;
  return TRUE;
}

gboolean
pv_json_read_int64 (JsonObject  *object,
                    const char  *member,
                    gboolean     nullable,
                    gint64      *out,
                    GError     **error)
{
  JsonNode *node;

  if (!member_value (object, member, nullable, G_TYPE_INT64, &node, error))
    return FALSE;
  *out = node ? json_node_get_int (node) : 0;
  return TRUE;
}

gboolean
pv_json_read_int (JsonObject  *object,
                  const char  *member,
                  gboolean     nullable,
                  gint        *out,
                  GError     **error)
{
  JsonNode *node;

  if (!member_value (object, member, nullable, G_TYPE_INT64, &node, error))
    return FALSE;
  if (node != NULL && (json_node_get_int (node) < G_MININT || json_node_get_int (node) > G_MAXINT))
    return pv_json_invalid (error, member);
  *out = node ? (gint) json_node_get_int (node) : -1;
  return TRUE;
}

gboolean
pv_json_read_boolean (JsonObject  *object,
                      const char  *member,
                      gboolean     nullable,
                      gboolean    *out,
                      GError     **error)
{
  JsonNode *node;

  if (!member_value (object, member, nullable, G_TYPE_BOOLEAN, &node, error))
    return FALSE;
  *out = node ? json_node_get_boolean (node) : FALSE;
  return TRUE;
}

gboolean
pv_json_read_time (JsonObject  *object,
                   const char  *member,
                   gboolean     nullable,
                   gint64      *out,
                   GError     **error)
{
  const char *text;

  if (!pv_json_read_string (object, member, nullable, &text, error))
    return FALSE;
  *out = 0;
  if (text != NULL && !pv_time_parse (text, out))
    return pv_json_invalid (error, member);
  return TRUE;
}

gboolean
pv_json_read_state (JsonObject     *object,
                    const char     *member,
                    gboolean        nullable,
                    PvExpiryState  *out,
                    GError        **error)
{
  const char *text;

  if (!pv_json_read_string (object, member, nullable, &text, error))
    return FALSE;
  *out = PV_EXPIRY_OK;
  if (text == NULL)
    return TRUE;
  for (PvExpiryState s = PV_EXPIRY_OK; s <= PV_EXPIRY_EXPIRED; s++)
    if (g_str_equal (text, pv_expiry_state_to_string (s)))
      {
        *out = s;
        return TRUE;
      }
  return pv_json_invalid (error, member);
}
