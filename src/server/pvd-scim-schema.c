/* pvd-scim-schema.c: the SCIM schemas provisiod serves, as the law for what it keeps
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim-schema"

#include "config.h"

#include <string.h>

#include "pvd-scim-schema.h"

/* data/scim/scim-schemas.json is what /Schemas and /ResourceTypes serve and
 * what every user and group is checked against before it is stored: an
 * attribute no schema of the resource type declares is never kept. */

typedef struct {
  JsonNode   *document;      /* read-only once loaded: shared by the workers */
  GHashTable *case_exact;    /* "userName", "emails.value", "urn:…:manager.value" -> bool */
} Schemas;

static void
index_attributes (GHashTable *table,
                  const char *prefix,
                  JsonArray  *attributes)
{
  for (guint i = 0; i < json_array_get_length (attributes); i++)
    {
      JsonObject *a = json_array_get_object_element (attributes, i);
      g_autofree char *name = prefix ? g_strdup_printf ("%s.%s", prefix, json_object_get_string_member (a, "name"))
                                     : g_strdup (json_object_get_string_member (a, "name"));
      g_autofree char *folded = g_ascii_strdown (name, -1);

      g_hash_table_insert (table, g_steal_pointer (&folded),
                           GINT_TO_POINTER (json_object_get_boolean_member (a, "caseExact")));
      if (json_object_has_member (a, "subAttributes"))
        index_attributes (table, name, json_object_get_array_member (a, "subAttributes"));
    }
}

static const Schemas *
get_schemas (void)
{
  static gsize initialized = 0;
  static Schemas schemas;

  if (g_once_init_enter (&initialized))
    {
      g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/provisio/provisiod/scim-schemas.json",
                                                         0, NULL);
      JsonArray *list;

      g_assert (bytes != NULL);
      schemas.document = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
      g_assert (schemas.document != NULL);
      /* Read by every worker at once, and answered from: nothing may
       * change it (pvd-scim.c builds each answer's meta anew). */
      json_node_seal (schemas.document);
      schemas.case_exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      list = json_object_get_array_member (json_node_get_object (schemas.document), "schemas");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *schema = json_array_get_object_element (list, i);
          const char *id = json_object_get_string_member (schema, "id");
          g_autofree char *urn = g_ascii_strdown (id, -1);
          JsonArray *attributes = json_object_get_array_member (schema, "attributes");

          index_attributes (schemas.case_exact, NULL, attributes);
          index_attributes (schemas.case_exact, urn, attributes);
        }
      g_once_init_leave (&initialized, 1);
    }
  return &schemas;
}

/**
 * pvd_scim_schemas_document:
 *
 * Returns: (transfer none): data/scim/scim-schemas.json: `schemas` and
 *   `resourceTypes`, read-only
 */
JsonObject *
pvd_scim_schemas_document (void)
{
  return json_node_get_object (get_schemas ()->document);
}

/**
 * pvd_scim_attribute_is_case_exact:
 * @path: an attribute path as a filter names it: "emails.value",
 *   "urn:…:User:employeeNumber"
 *
 * Whether filters compare @path's strings with case, as the schemas say;
 * id and meta.version are the server's, compared exactly (RFC 7643 §3.1).
 * A #PvdScimCaseExactFunc.
 */
gboolean
pvd_scim_attribute_is_case_exact (const char *path,
                                  gpointer    user_data)
{
  g_autofree char *folded = g_ascii_strdown (path, -1);
  gpointer value;

  if (g_str_equal (folded, "id") || g_str_equal (folded, "meta.version") ||
      g_str_equal (folded, "externalid"))
    return TRUE;
  if (g_hash_table_lookup_extended (get_schemas ()->case_exact, folded, NULL, &value))
    return GPOINTER_TO_INT (value);
  return FALSE;
}

/**
 * pvd_scim_schema_attributes:
 * @urn: a schema URN, in any case
 *
 * Returns: (transfer none) (nullable): the schema's attribute definitions
 */
JsonArray *
pvd_scim_schema_attributes (const char *urn)
{
  JsonArray *list = json_object_get_array_member (pvd_scim_schemas_document (), "schemas");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *schema = json_array_get_object_element (list, i);

      if (g_ascii_strcasecmp (json_object_get_string_member (schema, "id"), urn) == 0)
        return json_object_get_array_member (schema, "attributes");
    }
  return NULL;
}

/**
 * pvd_scim_schema_find_attribute:
 * @attributes: (nullable): attribute or sub-attribute definitions
 * @name: a name, in any case (RFC 7643 §2.1)
 *
 * Returns: (transfer none) (nullable): the definition of @name
 */
JsonObject *
pvd_scim_schema_find_attribute (JsonArray  *attributes,
                                const char *name)
{
  for (guint i = 0; attributes != NULL && i < json_array_get_length (attributes); i++)
    {
      JsonObject *a = json_array_get_object_element (attributes, i);

      if (g_ascii_strcasecmp (json_object_get_string_member (a, "name"), name) == 0)
        return a;
    }
  return NULL;
}

static JsonObject *
resource_type (const char *core_schema)
{
  JsonArray *list = json_object_get_array_member (pvd_scim_schemas_document (), "resourceTypes");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *type = json_array_get_object_element (list, i);

      if (g_ascii_strcasecmp (json_object_get_string_member (type, "schema"), core_schema) == 0)
        return type;
    }
  return NULL;
}

/**
 * pvd_scim_schema_is_extension:
 * @core_schema: a resource type's core schema URN
 * @urn: a schema URN, in any case
 *
 * Returns: whether @urn is one of the resource type's schema extensions
 */
gboolean
pvd_scim_schema_is_extension (const char *core_schema,
                              const char *urn)
{
  JsonObject *type = resource_type (core_schema);
  JsonArray *extensions;

  if (type == NULL || !json_object_has_member (type, "schemaExtensions"))
    return FALSE;
  extensions = json_object_get_array_member (type, "schemaExtensions");
  for (guint i = 0; i < json_array_get_length (extensions); i++)
    if (g_ascii_strcasecmp (json_object_get_string_member (json_array_get_object_element (extensions, i),
                                                           "schema"), urn) == 0)
      return TRUE;
  return FALSE;
}

/**
 * pvd_scim_schema_match_urn:
 * @core_schema: a resource type's core schema URN
 * @text: an attribute path that may begin with a schema URN:
 *   "urn:…:enterprise:2.0:User", "urn:…:enterprise:2.0:User:manager.value"
 *
 * The resource type's schema (its core schema or an extension) whose URN
 * begins @text, followed by ":" or the end, without regard to case; the
 * longest if several do, so that the enterprise extension's URN is never
 * read as "…:enterprise:2.0" and an attribute "User".
 *
 * Returns: (transfer none) (nullable): the schema's URN as the schemas
 *   spell it; its length is that of the prefix of @text it matched
 */
const char *
pvd_scim_schema_match_urn (const char *core_schema,
                           const char *text)
{
  JsonObject *type = resource_type (core_schema);
  JsonArray *extensions = type && json_object_has_member (type, "schemaExtensions")
                          ? json_object_get_array_member (type, "schemaExtensions") : NULL;
  const char *best = NULL;
  guint n = extensions ? json_array_get_length (extensions) : 0;

  for (guint i = 0; i <= n; i++)
    {
      const char *urn = i == n ? json_object_get_string_member (type, "schema")
                               : json_object_get_string_member (json_array_get_object_element (extensions, i),
                                                                "schema");
      gsize length = strlen (urn);

      if (type == NULL)
        break;
      if (g_ascii_strncasecmp (text, urn, length) == 0 && (text[length] == '\0' || text[length] == ':') &&
          (best == NULL || length > strlen (best)))
        best = urn;
    }
  return best;
}

/**
 * pvd_scim_schema_is_mutability:
 * @definition: an attribute definition
 * @mutability: "readOnly", "immutable", …
 *
 * Returns: whether @definition's mutability is @mutability
 */
gboolean
pvd_scim_schema_is_mutability (JsonObject *definition,
                               const char *mutability)
{
  return g_strcmp0 (json_object_get_string_member_with_default (definition, "mutability", ""),
                    mutability) == 0;
}

/**
 * pvd_scim_schema_find_path:
 * @core_schema: a resource type's core schema URN
 * @path: an attribute path as a filter names it: "userName",
 *   "name.givenName", "emails.value", "urn:…:enterprise:2.0:User:manager.value"
 *
 * Returns: (transfer none) (nullable): the definition of the attribute or
 *   sub-attribute @path names among the resource type's schemas
 */
JsonObject *
pvd_scim_schema_find_path (const char *core_schema,
                           const char *path)
{
  const char *urn = pvd_scim_schema_match_urn (core_schema, path);
  const char *name = urn ? path + strlen (urn) : path;
  const char *dot;
  g_autofree char *attribute = NULL;
  JsonObject *definition;

  if (urn != NULL && *name++ != ':')
    return NULL;
  dot = strchr (name, '.');
  attribute = dot ? g_strndup (name, dot - name) : g_strdup (name);
  definition = pvd_scim_schema_find_attribute (pvd_scim_schema_attributes (urn ? urn : core_schema),
                                               attribute);
  if (definition == NULL || dot == NULL)
    return definition;
  return pvd_scim_schema_find_attribute (json_object_has_member (definition, "subAttributes")
                                         ? json_object_get_array_member (definition, "subAttributes")
                                         : NULL, dot + 1);
}

static gboolean
is_read_only (JsonObject *definition)
{
  return pvd_scim_schema_is_mutability (definition, "readOnly");
}

/* The names of @object's members, copied: renaming one to a name that is
 * there already (a client that sent both "Emails" and "emails") frees that
 * name's string, which json_object_get_members() would still point to. */
static GStrv
member_names (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (const GList *l = members; l != NULL; l = l->next)
    g_strv_builder_add (names, l->data);
  return g_strv_builder_end (names);
}

/* Keeps the sub-attributes of a complex value that its definition declares,
 * spelt as it spells them; readOnly ones are the server's (RFC 7644 §3.3). */
static void
prune_complex (JsonObject *value,
               JsonObject *definition)
{
  JsonArray *subs = json_object_has_member (definition, "subAttributes")
                    ? json_object_get_array_member (definition, "subAttributes") : NULL;
  g_auto(GStrv) members = member_names (value);

  for (guint m = 0; members[m] != NULL; m++)
    {
      const char *name = members[m];
      JsonObject *sub = pvd_scim_schema_find_attribute (subs, name);
      const char *canonical = sub ? json_object_get_string_member (sub, "name") : NULL;

      if (sub == NULL || is_read_only (sub))
        json_object_remove_member (value, name);
      else if (!g_str_equal (canonical, name) && !json_object_has_member (value, canonical))
        {
          JsonNode *node = json_node_copy (json_object_get_member (value, name));

          json_object_remove_member (value, name);
          json_object_set_member (value, canonical, node);
        }
    }
}

static void
prune_attributes (JsonObject *object,
                  JsonArray  *attributes,
                  const char *core_schema)
{
  g_auto(GStrv) members = member_names (object);

  for (guint m = 0; members[m] != NULL; m++)
    {
      const char *name = members[m];
      JsonObject *definition = pvd_scim_schema_find_attribute (attributes, name);
      const char *canonical = definition ? json_object_get_string_member (definition, "name") : NULL;
      const char *urn = core_schema ? pvd_scim_schema_match_urn (core_schema, name) : NULL;
      JsonNode *node;

      /* The common attributes (RFC 7643 §3.1) and the extensions */
      if (core_schema != NULL && (g_ascii_strcasecmp (name, "schemas") == 0 ||
                                  g_ascii_strcasecmp (name, "externalId") == 0))
        canonical = g_ascii_strcasecmp (name, "schemas") == 0 ? "schemas" : "externalId";
      else if (urn != NULL && strlen (urn) == strlen (name) && g_ascii_strcasecmp (urn, core_schema) != 0)
        {
          node = json_object_get_member (object, name);
          if (JSON_NODE_HOLDS_OBJECT (node))
            prune_attributes (json_node_get_object (node), pvd_scim_schema_attributes (urn), NULL);
          canonical = urn;
        }
      else if (definition == NULL || is_read_only (definition))
        {
          json_object_remove_member (object, name);
          continue;
        }
      else
        {
          node = json_object_get_member (object, name);
          if (JSON_NODE_HOLDS_OBJECT (node))
            prune_complex (json_node_get_object (node), definition);
          else if (JSON_NODE_HOLDS_ARRAY (node))
            {
              JsonArray *array = json_node_get_array (node);

              for (guint i = 0; i < json_array_get_length (array); i++)
                if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
                  prune_complex (json_array_get_object_element (array, i), definition);
            }
        }

      if (!g_str_equal (canonical, name))
        {
          node = json_node_copy (json_object_get_member (object, name));
          json_object_remove_member (object, name);
          json_object_set_member (object, canonical, node);
        }
    }
}

/**
 * pvd_scim_schema_prune:
 * @resource: a user or group as a client sent it
 * @core_schema: its resource type's core schema URN
 *
 * Removes every member no schema of the resource type declares (RFC 7643
 * §3.1's common attributes `schemas` and `externalId` aside), readOnly ones
 * (RFC 7644 §3.3: ignored in a request), and the sub-attributes their
 * definitions do not declare, in the extensions too; names the schemas
 * declare are spelt as the schemas spell them.
 */
void
pvd_scim_schema_prune (JsonObject *resource,
                       const char *core_schema)
{
  prune_attributes (resource, pvd_scim_schema_attributes (core_schema), core_schema);
}
