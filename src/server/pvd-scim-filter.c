/* pvd-scim-filter.c: SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim-filter"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pv-json.h"
#include "pvd-scim-filter.h"

/* A recursive-descent parser over the RFC's grammar:
 *
 *   filter    = or
 *   or        = and *("or" and)
 *   and       = unary *("and" unary)
 *   unary     = "not" "(" filter ")" / "(" filter ")" / attrPath "[" filter "]"
 *             / attrPath "pr" / attrPath compareOp compValue
 *             / attrPath "[" filter "]" "." subAttr ("pr" / compareOp compValue)
 *
 * The last form is not the RFC's; Entra sends it (emails[type eq "work"].value
 * eq "…") and it means attrPath "[" filter "and" subAttr compareOp compValue "]".
 *
 * Keywords and operators are case-insensitive; so are attribute names.
 * Input is bounded (length, depth, nodes): the parser sees what any client
 * sends. */

G_DEFINE_QUARK (pvd-scim-filter-error-quark, pvd_scim_filter_error)

typedef enum {
  NODE_AND,
  NODE_OR,
  NODE_NOT,
  NODE_PRESENT,
  NODE_COMPARE,
  NODE_VALUE_PATH,
} NodeType;

typedef enum {
  OP_EQ, OP_NE, OP_CO, OP_SW, OP_EW, OP_GT, OP_GE, OP_LT, OP_LE,
} CompareOp;

static const char *compare_ops[] = { "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le" };

struct _PvdScimFilter
{
  NodeType       type;
  CompareOp      op;
  char          *attribute;   /* PRESENT, COMPARE, VALUE_PATH */
  JsonNode      *value;       /* COMPARE */
  PvdScimFilter *left;        /* AND, OR, NOT, VALUE_PATH (the inner filter) */
  PvdScimFilter *right;       /* AND, OR */
};

struct _PvdScimPath
{
  char          *attribute;
  char          *sub_attribute;
  PvdScimFilter *filter;
};

typedef struct {
  const char *text;
  gsize       pos;
  guint       depth;
  guint       nodes;
  GError    **error;
  int         code;
} Parser;

void
pvd_scim_filter_free (PvdScimFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->attribute);
  g_clear_pointer (&filter->value, json_node_unref);
  pvd_scim_filter_free (filter->left);
  pvd_scim_filter_free (filter->right);
  g_free (filter);
}

static gboolean
fail (Parser     *p,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Parser     *p,
      const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (p->error == NULL || *p->error != NULL)
    return FALSE;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (p->error, PVD_SCIM_FILTER_ERROR, p->code, "%s at position %" G_GSIZE_FORMAT,
               text, p->pos + 1);
  return FALSE;
}

static void
skip_space (Parser *p)
{
  while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' || p->text[p->pos] == '\n' ||
         p->text[p->pos] == '\r')
    p->pos++;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '$' || c == ':' || c == '.';
}

/* A word: an attribute path or a keyword.  Returns its length. */
static gsize
peek_word (Parser *p)
{
  gsize n = 0;

  while (is_name_char (p->text[p->pos + n]))
    n++;
  return n;
}

static gboolean
word_is (Parser     *p,
         gsize       length,
         const char *keyword)
{
  return length == strlen (keyword) && g_ascii_strncasecmp (p->text + p->pos, keyword, length) == 0;
}

static PvdScimFilter *
new_node (Parser   *p,
          NodeType  type)
{
  PvdScimFilter *node;

  if (++p->nodes > PVD_SCIM_FILTER_MAX_NODES)
    {
      fail (p, "The filter has more than %d parts", PVD_SCIM_FILTER_MAX_NODES);
      return NULL;
    }
  node = g_new0 (PvdScimFilter, 1);
  node->type = type;
  return node;
}

static gboolean
valid_attribute (const char *name)
{
  const char *last = strrchr (name, ':');
  const char *start = last ? last + 1 : name;

  /* ATTRNAME = ALPHA *(nameChar), then at most one ".subAttr" */
  if (!g_ascii_isalpha (*start) && *start != '$')
    return FALSE;
  for (const char *c = start; *c; c++)
    if (*c == ':')
      return FALSE;
  return strchr (start, '.') == strrchr (start, '.') && start[strlen (start) - 1] != '.';
}

static JsonNode *
parse_value (Parser *p)
{
  const char *start = p->text + p->pos;
  gsize n;

  if (*start == '"')
    {
      /* A JSON string, escapes and all: let json-glib decode it. */
      gsize end = 1;
      g_autofree char *literal = NULL;
      g_autoptr(JsonNode) node = NULL;

      while (start[end] != '\0' && start[end] != '"')
        {
          if (start[end] == '\\' && start[end + 1] != '\0')
            end++;
          end++;
        }
      if (start[end] != '"')
        {
          fail (p, "Unterminated string");
          return NULL;
        }
      literal = g_strndup (start, end + 1);
      node = pv_json_precheck (literal, end + 1) ? json_from_string (literal, NULL) : NULL;
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        {
          fail (p, "Malformed string");
          return NULL;
        }
      p->pos += end + 1;
      return g_steal_pointer (&node);
    }

  n = peek_word (p);
  if (word_is (p, n, "true") || word_is (p, n, "false"))
    {
      JsonNode *node = json_node_init_boolean (json_node_alloc (), g_ascii_tolower (*start) == 't');
      p->pos += n;
      return node;
    }
  if (word_is (p, n, "null"))
    {
      p->pos += n;
      return json_node_init_null (json_node_alloc ());
    }
  if (*start == '-' || g_ascii_isdigit (*start))
    {
      char *end = NULL;
      gboolean is_double = FALSE;
      gsize i = *start == '-' ? 1 : 0;

      while (g_ascii_isdigit (start[i]) || start[i] == '.' || start[i] == 'e' || start[i] == 'E' ||
             ((start[i] == '+' || start[i] == '-') && (start[i - 1] == 'e' || start[i - 1] == 'E')))
        {
          if (!g_ascii_isdigit (start[i]))
            is_double = TRUE;
          i++;
        }
      if (is_double)
        {
          double d = g_ascii_strtod (start, &end);
          if (end != start + i)
            {
              fail (p, "Malformed number");
              return NULL;
            }
          p->pos += i;
          return json_node_init_double (json_node_alloc (), d);
        }
      else
        {
          gint64 v;
          g_autofree char *digits = g_strndup (start, i);

          if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, &v, NULL))
            {
              fail (p, "Malformed number");
              return NULL;
            }
          p->pos += i;
          return json_node_init_int (json_node_alloc (), v);
        }
    }
  fail (p, "Expected a value (a quoted string, a number, true, false or null)");
  return NULL;
}

static PvdScimFilter *parse_or (Parser *p);

/* After an attribute path: "pr", or an operator and a value. */
static PvdScimFilter *
parse_comparison (Parser *p,
                  char   *attribute)
{
  g_autoptr(PvdScimFilter) node = NULL;
  g_autofree char *owned = attribute;
  gsize n;

  skip_space (p);
  n = peek_word (p);
  if (word_is (p, n, "pr"))
    {
      if (!(node = new_node (p, NODE_PRESENT)))
        return NULL;
      p->pos += n;
      node->attribute = g_steal_pointer (&owned);
      return g_steal_pointer (&node);
    }
  for (guint i = 0; i < G_N_ELEMENTS (compare_ops); i++)
    {
      if (word_is (p, n, compare_ops[i]))
        {
          if (!(node = new_node (p, NODE_COMPARE)))
            return NULL;
          node->op = (CompareOp) i;
          node->attribute = g_steal_pointer (&owned);
          p->pos += n;
          skip_space (p);
          node->value = parse_value (p);
          if (node->value == NULL)
            return NULL;
          return g_steal_pointer (&node);
        }
    }
  fail (p, "Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after “%s”", owned);
  return NULL;
}

static PvdScimFilter *
parse_unary (Parser *p)
{
  g_autoptr(PvdScimFilter) node = NULL;
  g_autofree char *attribute = NULL;
  gsize n;

  skip_space (p);
  if (p->text[p->pos] == '(')
    {
      p->pos++;
      if (++p->depth > PVD_SCIM_FILTER_MAX_DEPTH)
        {
          fail (p, "The filter is nested more than %d levels deep", PVD_SCIM_FILTER_MAX_DEPTH);
          return NULL;
        }
      node = parse_or (p);
      p->depth--;
      if (node == NULL)
        return NULL;
      skip_space (p);
      if (p->text[p->pos] != ')')
        {
          fail (p, "Expected “)”");
          return NULL;
        }
      p->pos++;
      return g_steal_pointer (&node);
    }

  n = peek_word (p);
  if (n == 0)
    {
      fail (p, p->text[p->pos] ? "Expected an attribute name" : "The filter ends too early");
      return NULL;
    }

  if (word_is (p, n, "not"))
    {
      gsize save = p->pos;

      p->pos += n;
      skip_space (p);
      if (p->text[p->pos] == '(')
        {
          PvdScimFilter *inner;

          if (!(node = new_node (p, NODE_NOT)))
            return NULL;
          inner = parse_unary (p);
          if (inner == NULL)
            return NULL;
          node->left = inner;
          return g_steal_pointer (&node);
        }
      p->pos = save;   /* an attribute called "not" */
    }

  attribute = g_strndup (p->text + p->pos, n);
  if (!valid_attribute (attribute))
    {
      fail (p, "“%s” is not an attribute name", attribute);
      return NULL;
    }
  p->pos += n;

  if (p->text[p->pos] == '[')
    {
      PvdScimFilter *inner;

      p->pos++;
      if (++p->depth > PVD_SCIM_FILTER_MAX_DEPTH)
        {
          fail (p, "The filter is nested more than %d levels deep", PVD_SCIM_FILTER_MAX_DEPTH);
          return NULL;
        }
      if (!(node = new_node (p, NODE_VALUE_PATH)))
        return NULL;
      inner = parse_or (p);
      p->depth--;
      if (inner == NULL)
        return NULL;
      node->left = inner;
      node->attribute = g_steal_pointer (&attribute);
      skip_space (p);
      if (p->text[p->pos] != ']')
        {
          fail (p, "Expected “]”");
          return NULL;
        }
      p->pos++;

      /* `emails[type eq "work"].value eq "ann@example.com"`, as Entra sends
       * it: the sub-attribute's condition joins the value filter, as in
       * `emails[type eq "work" and value eq "ann@example.com"]`. */
      if (p->text[p->pos] == '.')
        {
          PvdScimFilter *condition, *both;
          char *sub;

          p->pos++;
          n = peek_word (p);
          sub = g_strndup (p->text + p->pos, n);
          if (n == 0 || strchr (sub, '.') != NULL || strchr (sub, ':') != NULL ||
              !valid_attribute (sub))
            {
              g_free (sub);
              fail (p, "Expected a sub-attribute after “].”");
              return NULL;
            }
          p->pos += n;
          condition = parse_comparison (p, sub);
          if (condition == NULL)
            return NULL;
          if (!(both = new_node (p, NODE_AND)))
            {
              pvd_scim_filter_free (condition);
              return NULL;
            }
          both->left = node->left;
          both->right = condition;
          node->left = both;
        }
      return g_steal_pointer (&node);
    }

  return parse_comparison (p, g_steal_pointer (&attribute));
}

static PvdScimFilter *
parse_binary (Parser   *p,
              NodeType  type)
{
  g_autoptr(PvdScimFilter) left = type == NODE_OR ? parse_binary (p, NODE_AND) : parse_unary (p);

  if (left == NULL)
    return NULL;
  for (;;)
    {
      PvdScimFilter *node;
      gsize save, n;

      skip_space (p);
      save = p->pos;
      n = peek_word (p);
      if (!word_is (p, n, type == NODE_OR ? "or" : "and"))
        return g_steal_pointer (&left);
      p->pos += n;
      if (!(node = new_node (p, type)))
        return NULL;
      node->left = g_steal_pointer (&left);
      left = node;
      node->right = type == NODE_OR ? parse_binary (p, NODE_AND) : parse_unary (p);
      if (node->right == NULL)
        {
          if (p->error != NULL && *p->error == NULL)
            {
              p->pos = save;
              fail (p, "Expected a condition after “%s”", type == NODE_OR ? "or" : "and");
            }
          return NULL;
        }
    }
}

static PvdScimFilter *
parse_or (Parser *p)
{
  return parse_binary (p, NODE_OR);
}

/**
 * pvd_scim_filter_parse:
 * @text: a filter such as `userName eq "bjensen"`
 * @error: a %PVD_SCIM_FILTER_ERROR_INVALID_FILTER naming the position
 *
 * Returns: (transfer full): the filter
 */
PvdScimFilter *
pvd_scim_filter_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Parser p = { text, 0, 0, 0, &local_error, PVD_SCIM_FILTER_ERROR_INVALID_FILTER };
  g_autoptr(PvdScimFilter) filter = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (strlen (text) > PVD_SCIM_FILTER_MAX_LENGTH)
    {
      g_set_error (error, PVD_SCIM_FILTER_ERROR, PVD_SCIM_FILTER_ERROR_INVALID_FILTER,
                   "The filter is longer than %d bytes", PVD_SCIM_FILTER_MAX_LENGTH);
      return NULL;
    }
  filter = parse_or (&p);
  if (filter != NULL)
    {
      skip_space (&p);
      if (p.text[p.pos] != '\0')
        {
          fail (&p, "Unexpected “%.20s”", p.text + p.pos);
          g_clear_pointer (&filter, pvd_scim_filter_free);
        }
    }
  if (filter == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, PVD_SCIM_FILTER_ERROR, PVD_SCIM_FILTER_ERROR_INVALID_FILTER,
                     "Invalid filter");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&filter);
}

/* Evaluation */

typedef struct {
  PvdScimCaseExactFunc case_exact;
  const char          *prefix;   /* the multi-valued attribute of a value path */
} Context;

static JsonNode *
member_ci (JsonObject *object,
           const char *name,
           gsize       length)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *m = l->data;

      if (strlen (m) == length && g_ascii_strncasecmp (m, name, length) == 0)
        return json_object_get_member (object, m);
    }
  return NULL;
}

static void
add_values (GPtrArray *out,
            JsonNode  *node)
{
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (out, json_array_get_element (array, i));
    }
  else
    g_ptr_array_add (out, node);
}

/* The values an attribute path names in @object; multi-valued attributes
 * give each of their values. */
static GPtrArray *
resolve (JsonObject *object,
         const char *path)
{
  GPtrArray *out = g_ptr_array_new ();
  const char *name = path;
  const char *colon = strrchr (path, ':');
  const char *dot;
  JsonNode *node;

  if (colon != NULL)
    {
      /* A core schema URN means the resource itself; another names the
       * extension object the resource keeps under that URN. */
      if (g_strstr_len (path, colon - path, ":core:") == NULL)
        {
          JsonNode *extension = member_ci (object, path, colon - path);

          if (extension == NULL || !JSON_NODE_HOLDS_OBJECT (extension))
            return out;
          object = json_node_get_object (extension);
        }
      name = colon + 1;
    }

  dot = strchr (name, '.');
  node = member_ci (object, name, dot ? (gsize) (dot - name) : strlen (name));
  if (dot == NULL || node == NULL)
    {
      add_values (out, node);
      return out;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    add_values (out, member_ci (json_node_get_object (node), dot + 1, strlen (dot + 1)));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            add_values (out, member_ci (json_node_get_object (element), dot + 1, strlen (dot + 1)));
        }
    }
  return out;
}

static gboolean
is_case_exact (const Context *ctx,
               const char    *attribute)
{
  g_autofree char *full = NULL;

  if (ctx->case_exact == NULL)
    return FALSE;
  if (ctx->prefix != NULL)
    {
      full = g_strdup_printf ("%s.%s", ctx->prefix, attribute);
      return ctx->case_exact (full, NULL);
    }
  return ctx->case_exact (attribute, NULL);
}

static int
compare_strings (const char *a,
                 const char *b,
                 gboolean    exact)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (exact)
    return strcmp (a, b);
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return strcmp (fa, fb);
}

static gboolean
value_matches (JsonNode  *value,
               CompareOp  op,
               JsonNode  *operand,
               gboolean   exact)
{
  GType vt, ot;

  if (!JSON_NODE_HOLDS_VALUE (value) || !JSON_NODE_HOLDS_VALUE (operand))
    return FALSE;
  vt = json_node_get_value_type (value);
  ot = json_node_get_value_type (operand);

  if (vt == G_TYPE_STRING && ot == G_TYPE_STRING)
    {
      const char *a = json_node_get_string (value);
      const char *b = json_node_get_string (operand);
      g_autofree char *fa = exact ? g_strdup (a) : g_utf8_casefold (a, -1);
      g_autofree char *fb = exact ? g_strdup (b) : g_utf8_casefold (b, -1);
      int c;

      switch (op)
        {
        case OP_CO:
          return strstr (fa, fb) != NULL;
        case OP_SW:
          return g_str_has_prefix (fa, fb);
        case OP_EW:
          return g_str_has_suffix (fa, fb);
        default:
          c = compare_strings (a, b, exact);
          break;
        }
      switch (op)
        {
        case OP_EQ: return c == 0;
        case OP_NE: return c != 0;
        case OP_GT: return c > 0;
        case OP_GE: return c >= 0;
        case OP_LT: return c < 0;
        case OP_LE: return c <= 0;
        default: return FALSE;
        }
    }

  if ((vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE) && (ot == G_TYPE_INT64 || ot == G_TYPE_DOUBLE))
    {
      double a = json_node_get_double (value);
      double b = json_node_get_double (operand);

      switch (op)
        {
        case OP_EQ: return a == b;
        case OP_NE: return a != b;
        case OP_GT: return a > b;
        case OP_GE: return a >= b;
        case OP_LT: return a < b;
        case OP_LE: return a <= b;
        default: return FALSE;
        }
    }

  /* Booleans only compare for (in)equality (RFC 7644 §3.4.2.2). */
  if (vt == G_TYPE_BOOLEAN && ot == G_TYPE_BOOLEAN)
    {
      gboolean equal = json_node_get_boolean (value) == json_node_get_boolean (operand);

      return op == OP_EQ ? equal : op == OP_NE ? !equal : FALSE;
    }
  return op == OP_NE;
}

static gboolean
present (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return *json_node_get_string (value) != '\0';
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) > 0;
  return TRUE;
}

static gboolean
evaluate (PvdScimFilter *f,
          JsonObject    *object,
          const Context *ctx)
{
  switch (f->type)
    {
    case NODE_AND:
      return evaluate (f->left, object, ctx) && evaluate (f->right, object, ctx);
    case NODE_OR:
      return evaluate (f->left, object, ctx) || evaluate (f->right, object, ctx);
    case NODE_NOT:
      return !evaluate (f->left, object, ctx);
    case NODE_PRESENT:
      {
        g_autoptr(GPtrArray) values = resolve (object, f->attribute);

        for (guint i = 0; i < values->len; i++)
          if (present (g_ptr_array_index (values, i)))
            return TRUE;
        return FALSE;
      }
    case NODE_COMPARE:
      {
        g_autoptr(GPtrArray) values = resolve (object, f->attribute);
        gboolean exact = is_case_exact (ctx, f->attribute);

        if (JSON_NODE_HOLDS_NULL (f->value))
          {
            /* "eq null": not there; "ne null": there. */
            gboolean any = FALSE;

            for (guint i = 0; i < values->len; i++)
              any = any || present (g_ptr_array_index (values, i));
            return f->op == OP_EQ ? !any : f->op == OP_NE ? any : FALSE;
          }
        if (f->op == OP_NE)
          {
            for (guint i = 0; i < values->len; i++)
              if (value_matches (g_ptr_array_index (values, i), OP_EQ, f->value, exact))
                return FALSE;
            return TRUE;
          }
        for (guint i = 0; i < values->len; i++)
          if (value_matches (g_ptr_array_index (values, i), f->op, f->value, exact))
            return TRUE;
        return FALSE;
      }
    case NODE_VALUE_PATH:
      {
        g_autoptr(GPtrArray) values = resolve (object, f->attribute);
        Context inner = { ctx->case_exact, f->attribute };

        for (guint i = 0; i < values->len; i++)
          {
            JsonNode *v = g_ptr_array_index (values, i);

            if (JSON_NODE_HOLDS_OBJECT (v) && evaluate (f->left, json_node_get_object (v), &inner))
              return TRUE;
          }
        return FALSE;
      }
    default:
      g_assert_not_reached ();
    }
}

/**
 * pvd_scim_filter_matches:
 * @resource: a resource, or one value of a multi-valued attribute
 * @case_exact: (nullable): which attributes compare case-sensitively
 *
 * Returns: whether @resource matches
 */
gboolean
pvd_scim_filter_matches (PvdScimFilter        *filter,
                         JsonObject           *resource,
                         PvdScimCaseExactFunc  case_exact)
{
  Context ctx = { case_exact, NULL };

  g_return_val_if_fail (filter != NULL && resource != NULL, FALSE);

  return evaluate (filter, resource, &ctx);
}

static gboolean
foreach_comparison (PvdScimFilter         *f,
                    const char            *prefix,
                    PvdScimComparisonFunc  func,
                    gpointer               user_data)
{
  g_autofree char *path = NULL;

  if (f == NULL)
    return TRUE;
  switch (f->type)
    {
    case NODE_AND:
    case NODE_OR:
      return foreach_comparison (f->left, prefix, func, user_data) &&
             foreach_comparison (f->right, prefix, func, user_data);
    case NODE_NOT:
      return foreach_comparison (f->left, prefix, func, user_data);
    case NODE_VALUE_PATH:
      return foreach_comparison (f->left, f->attribute, func, user_data);
    case NODE_PRESENT:
    case NODE_COMPARE:
    default:
      path = prefix ? g_strdup_printf ("%s.%s", prefix, f->attribute) : g_strdup (f->attribute);
      return func (path, f->type == NODE_COMPARE && f->op >= OP_GT, user_data);
    }
}

/**
 * pvd_scim_filter_foreach_comparison:
 * @func: called with each comparison's attribute path, value paths'
 *   attributes as "emails.value"; %FALSE stops
 *
 * Returns: %FALSE if @func stopped
 */
gboolean
pvd_scim_filter_foreach_comparison (PvdScimFilter         *filter,
                                    PvdScimComparisonFunc  func,
                                    gpointer               user_data)
{
  return foreach_comparison (filter, NULL, func, user_data);
}

/**
 * pvd_scim_filter_is_simple_eq:
 * @out_attribute: (out) (transfer none): the attribute, without a core
 *   schema URN
 * @out_value: (out) (transfer none): the string compared with
 *
 * Returns: whether the whole filter is `attribute eq "string"`, which an
 *   index can answer
 */
gboolean
pvd_scim_filter_is_simple_eq (PvdScimFilter  *filter,
                              const char    **out_attribute,
                              const char    **out_value)
{
  const char *attribute;

  if (filter->type != NODE_COMPARE || filter->op != OP_EQ ||
      !JSON_NODE_HOLDS_VALUE (filter->value) ||
      json_node_get_value_type (filter->value) != G_TYPE_STRING)
    return FALSE;
  attribute = filter->attribute;
  if (g_ascii_strncasecmp (attribute, "urn:ietf:params:scim:schemas:core:2.0:", 38) == 0)
    attribute = strrchr (attribute, ':') + 1;
  else if (strchr (attribute, ':') != NULL)
    return FALSE;
  *out_attribute = attribute;
  *out_value = json_node_get_string (filter->value);
  return TRUE;
}

/* PATCH paths */

void
pvd_scim_path_free (PvdScimPath *path)
{
  if (path == NULL)
    return;
  g_free (path->attribute);
  g_free (path->sub_attribute);
  pvd_scim_filter_free (path->filter);
  g_free (path);
}

/**
 * pvd_scim_path_parse:
 * @text: `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].subAttr`
 * @error: a %PVD_SCIM_FILTER_ERROR_INVALID_PATH
 *
 * Returns: (transfer full): the path
 */
PvdScimPath *
pvd_scim_path_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  Parser p = { text, 0, 0, 0, &local_error, PVD_SCIM_FILTER_ERROR_INVALID_PATH };
  g_autoptr(PvdScimPath) path = g_new0 (PvdScimPath, 1);
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);

  if (strlen (text) > PVD_SCIM_FILTER_MAX_LENGTH)
    {
      g_set_error (error, PVD_SCIM_FILTER_ERROR, PVD_SCIM_FILTER_ERROR_INVALID_PATH,
                   "The path is longer than %d bytes", PVD_SCIM_FILTER_MAX_LENGTH);
      return NULL;
    }

  skip_space (&p);
  n = peek_word (&p);
  path->attribute = g_strndup (text + p.pos, n);
  if (n == 0 || !valid_attribute (path->attribute))
    {
      fail (&p, "“%s” is not an attribute path", text);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  p.pos += n;

  if (text[p.pos] == '[')
    {
      p.pos++;
      p.depth++;
      path->filter = parse_or (&p);
      if (path->filter == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      skip_space (&p);
      if (text[p.pos] != ']')
        {
          fail (&p, "Expected “]”");
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      p.pos++;
      if (text[p.pos] == '.')
        {
          p.pos++;
          n = peek_word (&p);
          path->sub_attribute = g_strndup (text + p.pos, n);
          if (n == 0 || strchr (path->sub_attribute, '.') || strchr (path->sub_attribute, ':') ||
              !valid_attribute (path->sub_attribute))
            {
              fail (&p, "Expected a sub-attribute after “].”");
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          p.pos += n;
        }
    }
  skip_space (&p);
  if (text[p.pos] != '\0')
    {
      fail (&p, "Unexpected “%.20s” in the path", text + p.pos);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&path);
}

const char *
pvd_scim_path_get_attribute (PvdScimPath *path)
{
  return path->attribute;
}

const char *
pvd_scim_path_get_sub_attribute (PvdScimPath *path)
{
  return path->sub_attribute;
}

PvdScimFilter *
pvd_scim_path_get_filter (PvdScimPath *path)
{
  return path->filter;
}
