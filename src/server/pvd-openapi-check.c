/* pvd-openapi-check.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-openapi-check"

#include "config.h"

#include <string.h>

#include "pv-time.h"
#include "pvd-openapi-check.h"

/* Checks request bodies against the schemas of docs/openapi.json, embedded
 * as a resource, so that the API's shapes are written down once.  This is
 * the subset of JSON Schema 2020-12 the file uses: $ref (local), type, enum,
 * const, properties, required, additionalProperties: false, min/maxProperties,
 * min/maxLength, pattern, format date-time, minimum, maximum, items,
 * min/maxItems and oneOf.  A keyword it does not know is a build-time
 * mistake, caught by the test that validates the whole file. */

struct _PvdOpenapiCheck
{
  GObject     parent_instance;

  JsonNode   *document;
  GHashTable *regexes;   /* pattern -> GRegex */
};

G_DEFINE_FINAL_TYPE (PvdOpenapiCheck, pvd_openapi_check, G_TYPE_OBJECT)

#define MAX_DEPTH 32

static void
pvd_openapi_check_finalize (GObject *object)
{
  PvdOpenapiCheck *self = (PvdOpenapiCheck *) object;

  g_clear_pointer (&self->document, json_node_unref);
  g_clear_pointer (&self->regexes, g_hash_table_unref);

  G_OBJECT_CLASS (pvd_openapi_check_parent_class)->finalize (object);
}

static void
pvd_openapi_check_class_init (PvdOpenapiCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pvd_openapi_check_finalize;
}

static void
pvd_openapi_check_init (PvdOpenapiCheck *self)
{
  self->regexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_regex_unref);
}

PvdOpenapiCheck *
pvd_openapi_check_new_from_resource (const char  *resource_path,
                                     GError     **error)
{
  g_autoptr(PvdOpenapiCheck) self = g_object_new (PVD_TYPE_OPENAPI_CHECK, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return NULL;

  self->document = json_parser_steal_root (parser);
  return g_steal_pointer (&self);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * pvd_openapi_check_get_request_schema:
 * @path_template: a key of `paths`, such as `/api/v1/provisioning/{kind}`
 * @method: an HTTP method
 *
 * Returns: (transfer none) (nullable): the JSON body schema of the operation
 */
JsonNode *
pvd_openapi_check_get_request_schema (PvdOpenapiCheck *self,
                                      const char      *path_template,
                                      const char      *method)
{
  g_autofree char *lower = g_ascii_strdown (method, -1);
  JsonObject *o = json_node_get_object (self->document);

  o = get_object (get_object (get_object (get_object (get_object (get_object (o, "paths"),
                  path_template), lower), "requestBody"), "content"), "application/json");
  if (o == NULL || !json_object_has_member (o, "schema"))
    return NULL;
  return json_object_get_member (o, "schema");
}

static JsonNode *
resolve (PvdOpenapiCheck *self,
         JsonNode        *schema)
{
  JsonObject *o = json_node_get_object (schema);
  const char *ref;
  g_auto(GStrv) parts = NULL;
  JsonNode *node = self->document;

  if (!json_object_has_member (o, "$ref"))
    return schema;

  ref = json_object_get_string_member (o, "$ref");
  g_assert (g_str_has_prefix (ref, "#/"));
  parts = g_strsplit (ref + 2, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_assert (JSON_NODE_HOLDS_OBJECT (node));
      node = json_object_get_member (json_node_get_object (node), parts[i]);
      g_assert (node != NULL);
    }
  return node;
}

static const char *
type_of (JsonNode *value)
{
  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_BOOLEAN:
          return "boolean";
        case G_TYPE_INT64:
          return "integer";
        case G_TYPE_DOUBLE:
          return "number";
        case G_TYPE_STRING:
          return "string";
        default:
          return "unknown";
        }
    }
}

static gboolean
type_matches (const char *wanted,
              const char *actual)
{
  return g_str_equal (wanted, actual) ||
         (g_str_equal (wanted, "number") && g_str_equal (actual, "integer"));
}

static const char *
article_type (const char *type)
{
  if (g_str_equal (type, "object"))
    return "an object";
  if (g_str_equal (type, "array"))
    return "an array";
  if (g_str_equal (type, "integer"))
    return "an integer";
  if (g_str_equal (type, "null"))
    return "null";
  if (g_str_equal (type, "boolean"))
    return "true or false";
  if (g_str_equal (type, "number"))
    return "a number";
  return "a string";
}

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (where == NULL || *where == '\0')
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The body %s", text);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” %s", where, text);
  return FALSE;
}

static gboolean
check_type (JsonObject  *schema,
            JsonNode    *value,
            const char  *where,
            GError     **error)
{
  const char *actual = type_of (value);
  JsonNode *type;

  if (!json_object_has_member (schema, "type"))
    return TRUE;

  type = json_object_get_member (schema, "type");
  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);
      GString *names = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          const char *t = json_array_get_string_element (types, i);

          if (type_matches (t, actual))
            {
              g_string_free (names, TRUE);
              return TRUE;
            }
          g_string_append_printf (names, "%s%s", i ? " or " : "", article_type (t));
        }
      fail (error, where, "must be %s", names->str);
      g_string_free (names, TRUE);
      return FALSE;
    }

  if (!type_matches (json_node_get_string (type), actual))
    return fail (error, where, "must be %s", article_type (json_node_get_string (type)));
  return TRUE;
}

static gboolean
check_enum (JsonObject  *schema,
            JsonNode    *value,
            const char  *where,
            GError     **error)
{
  JsonArray *values;
  GString *names;

  if (json_object_has_member (schema, "const") &&
      !json_node_equal (json_object_get_member (schema, "const"), value))
    return fail (error, where, "cannot be changed");

  if (!json_object_has_member (schema, "enum"))
    return TRUE;

  values = json_object_get_array_member (schema, "enum");
  for (guint i = 0; i < json_array_get_length (values); i++)
    if (json_node_equal (json_array_get_element (values, i), value))
      return TRUE;

  names = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      JsonNode *v = json_array_get_element (values, i);

      if (JSON_NODE_HOLDS_VALUE (v))
        g_string_append_printf (names, "%s“%s”", names->len ? ", " : "",
                                json_node_get_string (v));
    }
  fail (error, where, "must be one of %s", names->str);
  g_string_free (names, TRUE);
  return FALSE;
}

static gboolean
check_string (PvdOpenapiCheck  *self,
              JsonObject       *schema,
              const char       *text,
              const char       *where,
              GError          **error)
{
  glong length = g_utf8_strlen (text, -1);

  if (json_object_has_member (schema, "minLength") &&
      length < json_object_get_int_member (schema, "minLength"))
    return fail (error, where, "must not be empty");
  if (json_object_has_member (schema, "maxLength") &&
      length > json_object_get_int_member (schema, "maxLength"))
    return fail (error, where, "must be at most %" G_GINT64_FORMAT " characters",
                 json_object_get_int_member (schema, "maxLength"));

  if (json_object_has_member (schema, "pattern"))
    {
      const char *pattern = json_object_get_string_member (schema, "pattern");
      GRegex *regex = g_hash_table_lookup (self->regexes, pattern);

      if (regex == NULL)
        {
          regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
          g_assert (regex != NULL);
          g_hash_table_insert (self->regexes, g_strdup (pattern), regex);
        }
      if (!g_regex_match (regex, text, 0, NULL))
        return fail (error, where, "has the wrong format");
    }

  if (json_object_has_member (schema, "format") &&
      g_str_equal (json_object_get_string_member (schema, "format"), "date-time"))
    {
      gint64 unused;

      if (!pv_time_parse (text, &unused))
        return fail (error, where, "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z");
    }
  return TRUE;
}

static gboolean
check_number (JsonObject  *schema,
              JsonNode    *value,
              const char  *where,
              GError     **error)
{
  gdouble n = json_node_get_double (value);

  if (json_object_has_member (schema, "minimum") &&
      n < json_object_get_double_member (schema, "minimum"))
    return fail (error, where, "must be at least %" G_GINT64_FORMAT,
                 json_object_get_int_member (schema, "minimum"));
  if (json_object_has_member (schema, "maximum") &&
      n > json_object_get_double_member (schema, "maximum"))
    return fail (error, where, "must be at most %" G_GINT64_FORMAT,
                 json_object_get_int_member (schema, "maximum"));
  return TRUE;
}

static gboolean validate (PvdOpenapiCheck *self, JsonNode *schema, JsonNode *value,
                          const char *where, guint depth, GError **error);

static gboolean
check_object (PvdOpenapiCheck  *self,
              JsonObject       *schema,
              JsonObject       *object,
              const char       *where,
              guint             depth,
              GError          **error)
{
  JsonObject *properties = get_object (schema, "properties");
  gboolean closed = json_object_has_member (schema, "additionalProperties") &&
                    !json_object_get_boolean_member (schema, "additionalProperties");
  guint size = json_object_get_size (object);
  g_autoptr(GList) members = json_object_get_members (object);

  if (json_object_has_member (schema, "minProperties") &&
      size < json_object_get_int_member (schema, "minProperties"))
    return fail (error, where, "must name at least %" G_GINT64_FORMAT " field",
                 json_object_get_int_member (schema, "minProperties"));
  if (json_object_has_member (schema, "maxProperties") &&
      size > json_object_get_int_member (schema, "maxProperties"))
    return fail (error, where, "must name at most %" G_GINT64_FORMAT " field",
                 json_object_get_int_member (schema, "maxProperties"));

  if (json_object_has_member (schema, "required"))
    {
      JsonArray *required = json_object_get_array_member (schema, "required");

      for (guint i = 0; i < json_array_get_length (required); i++)
        {
          const char *name = json_array_get_string_element (required, i);

          if (!json_object_has_member (object, name))
            {
              g_autofree char *field = *where ? g_strdup_printf ("%s.%s", where, name)
                                              : g_strdup (name);

              return fail (error, field, "is required");
            }
        }
    }

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *field = *where ? g_strdup_printf ("%s.%s", where, name)
                                      : g_strdup (name);

      if (properties == NULL || !json_object_has_member (properties, name))
        {
          if (closed)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Unknown field “%s”", field);
              return FALSE;
            }
          continue;
        }
      if (!validate (self, json_object_get_member (properties, name),
                     json_object_get_member (object, name), field, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_array (PvdOpenapiCheck  *self,
             JsonObject       *schema,
             JsonArray        *array,
             const char       *where,
             guint             depth,
             GError          **error)
{
  guint length = json_array_get_length (array);

  if (json_object_has_member (schema, "minItems") &&
      length < json_object_get_int_member (schema, "minItems"))
    return fail (error, where, "must have at least %" G_GINT64_FORMAT " item(s)",
                 json_object_get_int_member (schema, "minItems"));
  if (json_object_has_member (schema, "maxItems") &&
      length > json_object_get_int_member (schema, "maxItems"))
    return fail (error, where, "must have at most %" G_GINT64_FORMAT " items",
                 json_object_get_int_member (schema, "maxItems"));

  if (json_object_has_member (schema, "items"))
    {
      JsonNode *items = json_object_get_member (schema, "items");

      for (guint i = 0; i < length; i++)
        {
          g_autofree char *field = g_strdup_printf ("%s[%u]", where, i);

          if (!validate (self, items, json_array_get_element (array, i), field, depth + 1, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate (PvdOpenapiCheck  *self,
          JsonNode         *schema_node,
          JsonNode         *value,
          const char       *where,
          guint             depth,
          GError          **error)
{
  JsonObject *schema;
  const char *type;

  if (depth > MAX_DEPTH)
    return fail (error, where, "is nested too deeply");

  schema = json_node_get_object (resolve (self, schema_node));

  if (json_object_has_member (schema, "oneOf"))
    {
      JsonArray *choices = json_object_get_array_member (schema, "oneOf");
      g_autoptr(GError) first_error = NULL;
      guint matched = 0;

      for (guint i = 0; i < json_array_get_length (choices); i++)
        {
          g_autoptr(GError) local_error = NULL;

          if (validate (self, json_array_get_element (choices, i), value, where, depth + 1,
                        &local_error))
            matched++;
          else if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
        }
      if (matched != 1)
        {
          if (first_error != NULL)
            g_propagate_error (error, g_steal_pointer (&first_error));
          else
            fail (error, where, "is ambiguous");
          return FALSE;
        }
    }

  if (!check_type (schema, value, where, error) ||
      !check_enum (schema, value, where, error))
    return FALSE;

  type = type_of (value);
  if (g_str_equal (type, "string"))
    return check_string (self, schema, json_node_get_string (value), where, error);
  if (g_str_equal (type, "integer") || g_str_equal (type, "number"))
    return check_number (schema, value, where, error);
  if (g_str_equal (type, "object"))
    return check_object (self, schema, json_node_get_object (value), where, depth, error);
  if (g_str_equal (type, "array"))
    return check_array (self, schema, json_node_get_array (value), where, depth, error);
  return TRUE;
}

/**
 * pvd_openapi_check_validate:
 * @schema: a schema node of the document
 * @value: what the client sent
 * @error: a #G_IO_ERROR_INVALID_DATA naming the field at fault
 *
 * Returns: %TRUE if @value matches @schema
 */
gboolean
pvd_openapi_check_validate (PvdOpenapiCheck  *self,
                            JsonNode         *schema,
                            JsonNode         *value,
                            GError          **error)
{
  g_return_val_if_fail (PVD_IS_OPENAPI_CHECK (self), FALSE);

  return validate (self, schema, value, "", 0, error);
}
