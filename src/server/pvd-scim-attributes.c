/* pvd-scim-attributes.c: the checks of a user's or group's attributes before they are stored
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim-attributes"

#include "config.h"

#include <gio/gio.h>

#include "pvd-scim-attributes.h"
#include "pvd-scim-schema.h"

/* Checks and tidies a user or group before it is stored: the identity
 * provider's quirks made standard, what the server owns dropped, the types
 * of known attributes checked. */
static gboolean
coerce_boolean (JsonObject *object,
                const char *member,
                const char *where,
                GError    **error)
{
  JsonNode *node;

  if (!json_object_has_member (object, member))
    return TRUE;
  node = json_object_get_member (object, member);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      /* Entra sends "True" and "False" as strings. */
      if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "false") == 0)
        {
          json_object_set_boolean_member (object, member, g_ascii_strcasecmp (text, "true") == 0);
          return TRUE;
        }
    }
  if (JSON_NODE_HOLDS_NULL (node) ||
      (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” must be true or false", where);
  return FALSE;
}

static gboolean check_against (JsonObject *object, JsonArray *attributes, const char *prefix,
                               GError **error);

/* One value of @definition: a complex one's sub-attributes checked too. */
static gboolean
check_value (JsonObject  *definition,
             JsonNode    *value,
             const char  *where,
             GError     **error)
{
  const char *type = json_object_get_string_member (definition, "type");
  gboolean ok;

  if (g_str_equal (type, "complex"))
    {
      if (JSON_NODE_HOLDS_OBJECT (value))
        return check_against (json_node_get_object (value),
                              json_object_get_array_member (definition, "subAttributes"), where, error);
      ok = FALSE;
    }
  else if (g_str_equal (type, "boolean"))
    ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN;
  else if (g_str_equal (type, "integer"))
    ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64;
  else if (g_str_equal (type, "decimal"))
    ok = JSON_NODE_HOLDS_VALUE (value) && (json_node_get_value_type (value) == G_TYPE_INT64 ||
                                           json_node_get_value_type (value) == G_TYPE_DOUBLE);
  else
    ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "“%s” must be %s", where,
                 g_str_equal (type, "complex") ? "an object" :
                 g_str_equal (type, "boolean") ? "true or false" :
                 g_str_equal (type, "integer") ? "an integer" :
                 g_str_equal (type, "decimal") ? "a number" : "a string");
  return ok;
}

static gboolean
check_type (JsonObject  *definition,
            JsonNode    *value,
            const char  *where,
            GError     **error)
{
  JsonArray *array;
  guint primaries = 0;

  if (JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (!json_object_get_boolean_member (definition, "multiValued"))
    return check_value (definition, value, where, error);

  if (!JSON_NODE_HOLDS_ARRAY (value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is multi-valued and must be an array", where);
      return FALSE;
    }
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *primary;

      if (!check_value (definition, element, where, error))
        return FALSE;
      /* RFC 7643 §2.4: "primary" is true for one value at most. */
      primary = JSON_NODE_HOLDS_OBJECT (element) && json_object_has_member (json_node_get_object (element), "primary")
                ? json_object_get_member (json_node_get_object (element), "primary") : NULL;
      if (primary != NULL && JSON_NODE_HOLDS_VALUE (primary) &&
          json_node_get_value_type (primary) == G_TYPE_BOOLEAN && json_node_get_boolean (primary) &&
          ++primaries > 1)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "“%s” has more than one primary value", where);
          return FALSE;
        }
    }
  return TRUE;
}

/* The members of @object against their definitions in @attributes; those
 * without one are the common attributes (pvd_scim_schema_prune() dropped
 * the rest). */
static gboolean
check_against (JsonObject  *object,
               JsonArray   *attributes,
               const char  *prefix,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      /* Coercing sets the member anew, which frees the name in @members. */
      g_autofree char *name = g_strdup (l->data);
      g_autofree char *where = prefix ? g_strdup_printf ("%s.%s", prefix, name) : g_strdup (name);
      JsonObject *definition = pvd_scim_schema_find_attribute (attributes, name);

      if (definition == NULL)
        continue;
      if (g_str_equal (json_object_get_string_member (definition, "type"), "boolean") &&
          !json_object_get_boolean_member (definition, "multiValued") &&
          !coerce_boolean (object, name, where, error))
        return FALSE;
      if (!check_type (definition, json_object_get_member (object, name), where, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * pvd_scim_normalize:
 * @object: a user or group as a POST or PUT sent it, or as a PATCH left it
 * @type: which
 * @error: a %G_IO_ERROR_INVALID_DATA naming the attribute
 *
 * Checks and tidies @object in place before it is stored.
 *
 * Returns: %FALSE if it cannot be stored
 */
gboolean
pvd_scim_normalize (JsonObject   *object,
                    PvdScimType   type,
                    GError      **error)
{
  const char *core = type == PVD_SCIM_USER ? PVD_SCIM_SCHEMA_USER : PVD_SCIM_SCHEMA_GROUP;
  const char *name_attribute = type == PVD_SCIM_USER ? "userName" : "displayName";
  JsonNode *name;
  JsonNode *schemas;

  /* What the schemas do not declare is dropped (id and meta, the server's,
   * among them), names the schemas' spelling (RFC 7643 §2.1: they are
   * case-insensitive); passwords are checked, then never kept. */
  pvd_scim_schema_prune (object, core);

  name = json_object_has_member (object, name_attribute)
         ? json_object_get_member (object, name_attribute) : NULL;
  if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) ||
      json_node_get_value_type (name) != G_TYPE_STRING || *json_node_get_string (name) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is required and must be a non-empty string", name_attribute);
      return FALSE;
    }
  if (json_object_has_member (object, "externalId") &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "externalId")) &&
      json_node_get_value_type (json_object_get_member (object, "externalId")) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“externalId” must be a string");
      return FALSE;
    }

  if (!check_against (object, pvd_scim_schema_attributes (core), NULL, error))
    return FALSE;
  if (type == PVD_SCIM_USER && json_object_has_member (object, PVD_SCIM_SCHEMA_ENTERPRISE))
    {
      JsonNode *extension = json_object_get_member (object, PVD_SCIM_SCHEMA_ENTERPRISE);

      if (!JSON_NODE_HOLDS_OBJECT (extension))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "“%s” must be an object", PVD_SCIM_SCHEMA_ENTERPRISE);
          return FALSE;
        }
      if (!check_against (json_node_get_object (extension), pvd_scim_schema_attributes (PVD_SCIM_SCHEMA_ENTERPRISE),
                          NULL, error))
        return FALSE;
    }

  json_object_remove_member (object, "password");

  /* schemas: the core schema and the extensions present. */
  schemas = json_object_has_member (object, "schemas") ? json_object_get_member (object, "schemas") : NULL;
  if (schemas != NULL && !JSON_NODE_HOLDS_ARRAY (schemas))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“schemas” must be an array");
      return FALSE;
    }
  {
    JsonArray *list = json_array_new ();

    json_array_add_string_element (list, core);
    if (json_object_has_member (object, PVD_SCIM_SCHEMA_ENTERPRISE))
      json_array_add_string_element (list, PVD_SCIM_SCHEMA_ENTERPRISE);
    json_object_set_array_member (object, "schemas", list);
  }
  return TRUE;
}
