/* pvd-scim-patch.c: RFC 7644 §3.5.2 PATCH operations on a resource
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim-patch"

#include "config.h"

#include <string.h>

#include "pvd-scim-filter.h"
#include "pvd-scim-patch.h"
#include "pvd-scim-schema.h"

/* What identity providers really send is wider than the RFC's examples:
 * Entra capitalises operations ("Replace"), sends path-less operations whose
 * value has dotted keys ("name.givenName"), replaces `emails[type eq
 * "work"].value` on a user that has no work address yet, and removes group
 * members either with a value filter or with a list of values.  All of
 * these are handled here; string booleans are the caller's to normalise. */

G_DEFINE_QUARK (pvd-scim-patch-error-quark, pvd_scim_patch_error)

#define MAX_OPERATIONS 1000

typedef enum {
  OP_ADD,
  OP_REPLACE,
  OP_REMOVE,
} Op;

const char *
pvd_scim_patch_scim_type (const GError *error)
{
  if (error == NULL || error->domain != PVD_SCIM_PATCH_ERROR)
    return "invalidValue";
  switch ((PvdScimPatchError) error->code)
    {
    case PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX:
      return "invalidSyntax";
    case PVD_SCIM_PATCH_ERROR_INVALID_PATH:
      return "invalidPath";
    case PVD_SCIM_PATCH_ERROR_NO_TARGET:
      return "noTarget";
    case PVD_SCIM_PATCH_ERROR_MUTABILITY:
      return "mutability";
    case PVD_SCIM_PATCH_ERROR_INVALID_VALUE:
    default:
      return "invalidValue";
    }
}

/* The member of @object named @name without regard to case, or NULL. */
static const char *
find_member (JsonObject *object,
             const char *name)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0)
      return l->data;
  return NULL;
}

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  const char *actual = find_member (object, name);

  return actual ? json_object_get_member (object, actual) : NULL;
}

/* Sets @name, keeping the spelling of an existing member of another case. */
static void
set_member (JsonObject *object,
            const char *name,
            JsonNode   *value)
{
  const char *actual = find_member (object, name);
  g_autofree char *key = g_strdup (actual ? actual : name);

  json_object_set_member (object, key, value);
}

/* New nodes holding an empty array or object: the node holds the only
 * reference. */
static JsonNode *
empty_array (void)
{
  g_autoptr(JsonArray) array = json_array_new ();

  return json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
empty_object (void)
{
  g_autoptr(JsonObject) object = json_object_new ();

  return json_node_init_object (json_node_alloc (), object);
}

static void
remove_member (JsonObject *object,
               const char *name)
{
  const char *actual = find_member (object, name);

  if (actual != NULL)
    {
      g_autofree char *key = g_strdup (actual);
      json_object_remove_member (object, key);
    }
}

static const char *
element_value (JsonNode *element)
{
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    return NULL;
  value = get_member (json_node_get_object (element), "value");
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (value);
}

static gboolean
array_has_value (JsonArray  *array,
                 const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (element_value (json_array_get_element (array, i)), value) == 0)
      return TRUE;
  return FALSE;
}

/* Appends the elements of @value (an array, or one value) to the array at
 * @name, skipping elements whose "value" is already there. */
static void
append_values (JsonObject *container,
               const char *name,
               JsonNode   *value)
{
  JsonNode *existing = get_member (container, name);
  JsonArray *array;

  if (existing == NULL || !JSON_NODE_HOLDS_ARRAY (existing))
    {
      set_member (container, name, empty_array ());
      existing = get_member (container, name);
    }
  array = json_node_get_array (existing);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *items = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          const char *v = element_value (item);

          if (v == NULL || !array_has_value (array, v))
            json_array_add_element (array, json_node_copy (item));
        }
    }
  else
    {
      const char *v = element_value (value);

      if (v == NULL || !array_has_value (array, v))
        json_array_add_element (array, json_node_copy (value));
    }
}

/* Complex values merge: the sub-attributes given replace or join those there. */
static void
merge_object (JsonObject *target,
              JsonObject *source)
{
  g_autoptr(GList) members = json_object_get_members (source);

  for (const GList *l = members; l != NULL; l = l->next)
    set_member (target, l->data, json_node_copy (json_object_get_member (source, l->data)));
}

/* What a path's attribute names, resolved against the resource type's
 * schemas (pvd-scim-schema.c). */
typedef struct {
  char       *urn;             /* the extension it lives in, or NULL: the resource */
  char       *attribute;       /* as the schema spells it; a whole extension's URN */
  char       *sub;             /* as the schema spells it, or NULL */
  JsonObject *sub_definition;  /* (nullable) */
} Target;

static void
target_clear (Target *t)
{
  g_clear_pointer (&t->urn, g_free);
  g_clear_pointer (&t->attribute, g_free);
  g_clear_pointer (&t->sub, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* Resolves "title", "name.givenName", "urn:…:enterprise:2.0:User:manager.value"
 * or a whole extension, "urn:…:enterprise:2.0:User", with @sub_text the
 * sub-attribute after a value filter ("emails[…].value").  Known schema URNs
 * are matched first, the longest first; what names no attribute of the
 * resource type is invalidPath, what the server owns is mutability. */
static gboolean
resolve_target (const char  *text,
                const char  *sub_text,
                const char  *core_schema,
                Target      *t,
                GError     **error)
{
  const char *schema = core_schema;
  const char *name = text;
  const char *dot;
  const char *sub;
  g_autofree char *attribute = NULL;
  JsonObject *definition;

  if (g_ascii_strncasecmp (text, "urn:", 4) == 0)
    {
      const char *urn = pvd_scim_schema_match_urn (core_schema, text);

      if (urn == NULL)
        {
          g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                       "“%s” names no schema of this resource", text);
          return FALSE;
        }
      if (text[strlen (urn)] == '\0')
        {
          if (g_ascii_strcasecmp (urn, core_schema) == 0 || sub_text != NULL)
            {
              g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                           "“%s” names no attribute", text);
              return FALSE;
            }
          t->attribute = g_strdup (urn);
          return TRUE;
        }
      schema = urn;
      name = text + strlen (urn) + 1;
      if (g_ascii_strcasecmp (urn, core_schema) != 0)
        t->urn = g_strdup (urn);
    }

  dot = strchr (name, '.');
  attribute = dot ? g_strndup (name, dot - name) : g_strdup (name);
  sub = dot ? dot + 1 : sub_text;
  if (*attribute == '\0' || (sub != NULL && *sub == '\0') || (dot != NULL && sub_text != NULL))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                   "“%s” names no attribute", text);
      return FALSE;
    }

  /* The common attributes (RFC 7643 §3.1) */
  if (t->urn == NULL && (g_ascii_strcasecmp (attribute, "id") == 0 ||
                         g_ascii_strcasecmp (attribute, "meta") == 0 ||
                         g_ascii_strcasecmp (attribute, "schemas") == 0))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_MUTABILITY,
                   "“%s” is read-only", attribute);
      return FALSE;
    }
  if (t->urn == NULL && sub == NULL && g_ascii_strcasecmp (attribute, "externalId") == 0)
    {
      t->attribute = g_strdup ("externalId");
      return TRUE;
    }

  definition = pvd_scim_schema_find_attribute (pvd_scim_schema_attributes (schema), attribute);
  if (definition == NULL)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                   "“%s” is not an attribute of this resource", attribute);
      return FALSE;
    }
  if (pvd_scim_schema_is_mutability (definition, "readOnly"))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_MUTABILITY,
                   "“%s” is read-only", attribute);
      return FALSE;
    }
  t->attribute = g_strdup (json_object_get_string_member (definition, "name"));
  if (sub == NULL)
    return TRUE;

  t->sub_definition = pvd_scim_schema_find_attribute (
    json_object_has_member (definition, "subAttributes")
    ? json_object_get_array_member (definition, "subAttributes") : NULL, sub);
  if (t->sub_definition == NULL)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                   "“%s” has no sub-attribute “%s”", t->attribute, sub);
      return FALSE;
    }
  if (pvd_scim_schema_is_mutability (t->sub_definition, "readOnly"))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_MUTABILITY,
                   "“%s.%s” is read-only", t->attribute, sub);
      return FALSE;
    }
  t->sub = g_strdup (json_object_get_string_member (t->sub_definition, "name"));
  return TRUE;
}

/* Whether setting @sub of @element to @value changes an immutable
 * sub-attribute that is already set (RFC 7643 §7: it SHALL NOT be updated). */
static gboolean
changes_immutable (JsonObject *element,
                   JsonObject *sub_definition,
                   JsonNode   *value)
{
  const char *name;
  JsonNode *current;

  if (sub_definition == NULL || !pvd_scim_schema_is_mutability (sub_definition, "immutable"))
    return FALSE;
  name = json_object_get_string_member (sub_definition, "name");
  current = get_member (element, name);
  return current != NULL && !JSON_NODE_HOLDS_NULL (current) && !json_node_equal (current, value);
}

/* The same for every member of @value merged into @element, an element of
 * @schema's attribute @attribute. */
static gboolean
changes_any_immutable (JsonObject *element,
                       const char *schema,
                       const char *attribute,
                       JsonObject *value)
{
  JsonObject *definition = pvd_scim_schema_find_attribute (pvd_scim_schema_attributes (schema),
                                                           attribute);
  JsonArray *subs = definition && json_object_has_member (definition, "subAttributes")
                    ? json_object_get_array_member (definition, "subAttributes") : NULL;
  g_autoptr(GList) members = json_object_get_members (value);

  for (const GList *l = members; l != NULL; l = l->next)
    if (changes_immutable (element, pvd_scim_schema_find_attribute (subs, l->data),
                           json_object_get_member (value, l->data)))
      return TRUE;
  return FALSE;
}

/* The object an attribute lives in: the resource, or its extension object. */
static JsonObject *
container_for (JsonObject *resource,
               const char *urn,
               const char *core_schema,
               gboolean    create)
{
  JsonNode *node;

  if (urn == NULL || g_ascii_strcasecmp (urn, core_schema) == 0)
    return resource;

  node = get_member (resource, urn);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!create)
        return NULL;
      set_member (resource, urn, empty_object ());
      node = get_member (resource, urn);
    }
  return json_node_get_object (node);
}

/* For `emails[type eq "work"].value` on a user without a work address: the
 * new element takes the filter's `eq` comparisons as its attributes. */
static JsonObject *
element_from_filter (const char *path)
{
  g_autoptr(GRegex) regex = g_regex_new ("([A-Za-z0-9_$-]+)\\s+eq\\s+\"((?:[^\"\\\\]|\\\\.)*)\"",
                                         G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  const char *open = strchr (path, '[');
  JsonObject *element = json_object_new ();

  if (open == NULL)
    return element;
  g_regex_match (regex, open, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      g_autofree char *value = g_match_info_fetch (match, 2);

      json_object_set_string_member (element, name, value);
      g_match_info_next (match, NULL);
    }
  return element;
}

static gboolean
apply_with_path (JsonObject  *resource,
                 Op           op,
                 const char  *path_text,
                 JsonNode    *value,
                 const char  *core_schema,
                 gboolean     lenient,
                 GError     **error)
{
  g_autoptr(PvdScimPath) path = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(Target) target = { NULL, NULL, NULL, NULL };
  const char *urn, *attribute, *sub;
  PvdScimFilter *filter;
  JsonObject *container;
  JsonNode *existing;

  path = pvd_scim_path_parse (path_text, &local_error);
  if (path == NULL && lenient)
    return TRUE;
  if (path == NULL)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                   "%s", local_error->message);
      return FALSE;
    }
  if (!resolve_target (pvd_scim_path_get_attribute (path), pvd_scim_path_get_sub_attribute (path),
                       core_schema, &target, &local_error))
    {
      /* A member of a path-less operation's value that no schema declares
       * is dropped, as in a POST or PUT. */
      if (lenient && g_error_matches (local_error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  urn = target.urn;
  attribute = target.attribute;
  sub = target.sub;
  filter = pvd_scim_path_get_filter (path);

  if (op != OP_REMOVE && value == NULL)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                   "The operation on “%s” has no value", path_text);
      return FALSE;
    }
  if (op != OP_REMOVE && pvd_scim_schema_is_extension (core_schema, attribute) &&
      !JSON_NODE_HOLDS_OBJECT (value))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_VALUE,
                   "The value for “%s” must be an object", path_text);
      return FALSE;
    }

  container = container_for (resource, urn, core_schema, op != OP_REMOVE);
  if (container == NULL)
    return TRUE;   /* removing from an extension that is not there */
  existing = get_member (container, attribute);

  if (filter == NULL && sub == NULL)
    {
      switch (op)
        {
        case OP_REMOVE:
          /* Entra without aadOptscim062020 removes members by a list of values. */
          if (value != NULL && existing != NULL && JSON_NODE_HOLDS_ARRAY (existing) &&
              (JSON_NODE_HOLDS_ARRAY (value) || JSON_NODE_HOLDS_OBJECT (value)))
            {
              JsonArray *array = json_node_get_array (existing);
              g_autoptr(JsonArray) kept = json_array_new ();
              g_autoptr(JsonArray) gone = NULL;

              if (JSON_NODE_HOLDS_ARRAY (value))
                gone = json_array_ref (json_node_get_array (value));
              else
                {
                  gone = json_array_new ();
                  json_array_add_element (gone, json_node_copy (value));
                }
              for (guint i = 0; i < json_array_get_length (array); i++)
                {
                  JsonNode *element = json_array_get_element (array, i);
                  const char *v = element_value (element);

                  if (v == NULL || !array_has_value (gone, v))
                    json_array_add_element (kept, json_node_copy (element));
                }
              set_member (container, attribute,
                          json_node_init_array (json_node_alloc (), kept));
            }
          else
            remove_member (container, attribute);
          return TRUE;

        case OP_ADD:
          if ((existing != NULL && JSON_NODE_HOLDS_ARRAY (existing)) || JSON_NODE_HOLDS_ARRAY (value))
            append_values (container, attribute, value);
          else if (existing != NULL && JSON_NODE_HOLDS_OBJECT (existing) &&
                   JSON_NODE_HOLDS_OBJECT (value))
            merge_object (json_node_get_object (existing), json_node_get_object (value));
          else
            set_member (container, attribute, json_node_copy (value));
          return TRUE;

        case OP_REPLACE:
        default:
          if (existing != NULL && JSON_NODE_HOLDS_OBJECT (existing) && JSON_NODE_HOLDS_OBJECT (value))
            merge_object (json_node_get_object (existing), json_node_get_object (value));
          else
            set_member (container, attribute, json_node_copy (value));
          return TRUE;
        }
    }

  if (filter == NULL)
    {
      /* attribute.sub: in a complex attribute, or in every value of a
       * multi-valued one. */
      if (existing == NULL || JSON_NODE_HOLDS_NULL (existing))
        {
          if (op == OP_REMOVE)
            return TRUE;
          set_member (container, attribute, empty_object ());
          existing = get_member (container, attribute);
        }
      if (JSON_NODE_HOLDS_OBJECT (existing))
        {
          if (op == OP_REMOVE)
            remove_member (json_node_get_object (existing), sub);
          else
            set_member (json_node_get_object (existing), sub, json_node_copy (value));
          return TRUE;
        }
      if (JSON_NODE_HOLDS_ARRAY (existing))
        {
          JsonArray *array = json_node_get_array (existing);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (!JSON_NODE_HOLDS_OBJECT (element))
                continue;
              if (op == OP_REMOVE)
                remove_member (json_node_get_object (element), sub);
              else
                set_member (json_node_get_object (element), sub, json_node_copy (value));
            }
          return TRUE;
        }
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                   "“%s” has no sub-attributes", attribute);
      return FALSE;
    }

  /* attribute[filter] or attribute[filter].sub */
  {
    g_autoptr(JsonArray) kept = json_array_new ();
    JsonArray *array = NULL;
    guint matched = 0;

    if (existing != NULL && JSON_NODE_HOLDS_ARRAY (existing))
      array = json_node_get_array (existing);

    for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        gboolean hit = JSON_NODE_HOLDS_OBJECT (element) &&
                       pvd_scim_filter_matches (filter, json_node_get_object (element), NULL);

        if (!hit)
          {
            json_array_add_element (kept, json_node_copy (element));
            continue;
          }
        matched++;
        if (op == OP_REMOVE)
          {
            if (sub != NULL)
              {
                JsonNode *copy = json_node_copy (element);

                remove_member (json_node_get_object (copy), sub);
                json_array_add_element (kept, copy);
              }
            continue;
          }

        if (sub != NULL ? changes_immutable (json_node_get_object (element), target.sub_definition, value)
                        : JSON_NODE_HOLDS_OBJECT (value) &&
                          changes_any_immutable (json_node_get_object (element), urn ? urn : core_schema,
                                                 attribute, json_node_get_object (value)))
          {
            g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_MUTABILITY,
                         "“%s” sets an immutable sub-attribute anew", path_text);
            return FALSE;
          }
        {
          JsonNode *copy = json_node_copy (element);

          if (sub != NULL)
            set_member (json_node_get_object (copy), sub, json_node_copy (value));
          else if (JSON_NODE_HOLDS_OBJECT (value))
            merge_object (json_node_get_object (copy), json_node_get_object (value));
          else
            {
              json_node_unref (copy);
              g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_VALUE,
                           "The value for “%s” must be an object", path_text);
              return FALSE;
            }
          json_array_add_element (kept, copy);
        }
      }

    if (matched == 0 && op != OP_REMOVE)
      {
        JsonObject *element = element_from_filter (path_text);

        if (sub != NULL)
          json_object_set_member (element, sub, json_node_copy (value));
        else if (JSON_NODE_HOLDS_OBJECT (value))
          merge_object (element, json_node_get_object (value));
        json_array_add_element (kept, json_node_init_object (json_node_alloc (), element));
        json_object_unref (element);
      }
    if (matched == 0 && op == OP_REMOVE && array == NULL)
      return TRUE;

    set_member (container, attribute, json_node_init_array (json_node_alloc (), kept));
    return TRUE;
  }
}

static gboolean
apply_without_path (JsonObject  *resource,
                    Op           op,
                    JsonNode    *value,
                    const char  *core_schema,
                    GError     **error)
{
  g_autoptr(GList) members = NULL;

  if (op == OP_REMOVE)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_NO_TARGET,
                   "A remove operation needs a path");
      return FALSE;
    }
  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                   "An operation without a path needs an object as its value");
      return FALSE;
    }

  members = json_object_get_members (json_node_get_object (value));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *member = json_object_get_member (json_node_get_object (value), key);

      const char *urn = pvd_scim_schema_match_urn (core_schema, key);

      /* An extension object: each of its attributes is an operation. */
      if (urn != NULL && strlen (urn) == strlen (key) && JSON_NODE_HOLDS_OBJECT (member) &&
          pvd_scim_schema_is_extension (core_schema, urn))
        {
          g_autoptr(GList) inner = json_object_get_members (json_node_get_object (member));

          for (const GList *m = inner; m != NULL; m = m->next)
            {
              g_autofree char *path = g_strdup_printf ("%s:%s", urn, (const char *) m->data);

              if (!apply_with_path (resource, op, path,
                                    json_object_get_member (json_node_get_object (member), m->data),
                                    core_schema, TRUE, error))
                return FALSE;
            }
          continue;
        }
      if (!apply_with_path (resource, op, key, member, core_schema, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * pvd_scim_patch_apply:
 * @resource: the resource's attributes, changed in place
 * @request: the PatchOp request body
 * @core_schema: the resource type's core schema URN
 * @error: a #PVD_SCIM_PATCH_ERROR whose scimType pvd_scim_patch_scim_type() gives
 *
 * Applies every operation in order; on error @resource may be half-changed,
 * so apply to a copy.
 */
gboolean
pvd_scim_patch_apply (JsonObject  *resource,
                      JsonObject  *request,
                      const char  *core_schema,
                      GError     **error)
{
  JsonNode *operations = get_member (request, "Operations");
  JsonArray *array;

  if (operations == NULL || !JSON_NODE_HOLDS_ARRAY (operations) ||
      json_array_get_length (json_node_get_array (operations)) == 0)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                   "A PatchOp request needs a non-empty “Operations” array");
      return FALSE;
    }
  array = json_node_get_array (operations);
  if (json_array_get_length (array) > MAX_OPERATIONS)
    {
      g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                   "At most %d operations per request", MAX_OPERATIONS);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *operation;
      JsonNode *op_node, *path_node, *value;
      const char *op_text;
      Op op;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                       "Operation %u is not an object", i + 1);
          return FALSE;
        }
      operation = json_node_get_object (node);
      op_node = get_member (operation, "op");
      path_node = get_member (operation, "path");
      value = get_member (operation, "value");

      op_text = op_node && JSON_NODE_HOLDS_VALUE (op_node) &&
                json_node_get_value_type (op_node) == G_TYPE_STRING
                ? json_node_get_string (op_node) : NULL;
      if (g_ascii_strcasecmp (op_text ? op_text : "", "add") == 0)
        op = OP_ADD;
      else if (g_ascii_strcasecmp (op_text ? op_text : "", "replace") == 0)
        op = OP_REPLACE;
      else if (g_ascii_strcasecmp (op_text ? op_text : "", "remove") == 0)
        op = OP_REMOVE;
      else
        {
          g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
                       "Operation %u: “op” must be add, replace or remove", i + 1);
          return FALSE;
        }

      if (path_node != NULL && !JSON_NODE_HOLDS_NULL (path_node))
        {
          if (!JSON_NODE_HOLDS_VALUE (path_node) ||
              json_node_get_value_type (path_node) != G_TYPE_STRING)
            {
              g_set_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_INVALID_PATH,
                           "Operation %u: “path” must be a string", i + 1);
              return FALSE;
            }
          if (!apply_with_path (resource, op, json_node_get_string (path_node), value,
                                core_schema, FALSE, error))
            return FALSE;
        }
      else if (!apply_without_path (resource, op, value, core_schema, error))
        return FALSE;
    }
  return TRUE;
}
