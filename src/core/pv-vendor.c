/* pv-vendor.c: the catalog of apps whose tokens Provisio tracks
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-vendor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-error.h"
#include "pv-guide-private.h"
#include "pv-tls.h"
#include "pv-vendor.h"

/* The vendors are data, like the guides: data/vendors/ID.vendor, compiled
 * into libprovisio as resources and made translatable through ITS rules
 * (data/its).  A vendor is
 *
 *   <vendor id="timly">
 *     <name>Timly</name>
 *     <scim-url>https://…</scim-url>          (optional: one URL for all)
 *     <console>https://…</console>            (optional)
 *     <connection kind="users"/>              (one or two)
 *     <token format="jwt|opaque|any" lifetime-days="365" max-active="2"
 *            old-token="dies-at-once|stays|unknown"/>
 *     <reminders>60,30,10</reminders>         (the vendor's own; may be empty)
 *     <idp>entra</idp>                        (one or more)
 *     <note>…</note>                          (optional)
 *     <step> <title/> <detail/> <link/> </step>   (one or more)
 *   </vendor>
 *
 * Every part is checked when read; the fuzz tests read any bytes with
 * pv_vendor_parse(). */

#define VENDORS_PATH "/io/github/provisio/Provisio/vendors"

static const char *known_kinds[] = { "users", "persons", NULL };
static const char *known_formats[] = { "jwt", "opaque", "any", NULL };
static const char *known_old_token[] = { "dies-at-once", "stays", "unknown", NULL };
static const char *known_idps[] = { "entra", "okta", "other", NULL };

void
pv_vendor_free (PvVendor *vendor)
{
  if (vendor == NULL || !g_atomic_int_dec_and_test (&vendor->ref_count))
    return;
  g_free (vendor->id);
  g_free (vendor->name);
  g_free (vendor->scim_url);
  g_free (vendor->console);
  g_strfreev (vendor->connections);
  g_free (vendor->token_format);
  g_strfreev (vendor->identity_providers);
  g_free (vendor->note);
  g_clear_pointer (&vendor->steps, g_ptr_array_unref);
  g_free (vendor);
}

typedef struct {
  const char  *file;
  PvVendor    *vendor;
  GPtrArray   *connections;
  GPtrArray   *idps;
  PvGuideStep *step;
  GString     *text;
  char        *reminders;
  gboolean     has_token;
} Parse;

static gboolean
invalid (GError     **error,
         const char  *file,
         const char  *what)
{
  g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, "%s: %s", file, what);
  return FALSE;
}

/* A whole number from 0 to @max, as written. */
static gboolean
read_count (const char *text,
            guint       max,
            guint      *out)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return FALSE;
  *out = value;
  return TRUE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  Parse *p = user_data;
  const char *elements[] = { "name", "scim-url", "console", "connection", "token", "reminders", "idp", "note",
                             "step", NULL };
  const char *in_step[] = { "title", "detail", "link", NULL };
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack->next ? stack->next->data : NULL;

  g_string_truncate (p->text, 0);
  if (parent == NULL)
    {
      const char *id = NULL;

      if (!g_str_equal (name, "vendor"))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "<%s> is not a vendor", name);
      /* GMarkup takes more than one top-level element; a file is one vendor */
      else if (p->vendor->id != NULL)
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "more than one <vendor> in the file");
      else if (g_markup_collect_attributes (name, attribute_names, attribute_values, error,
                                            G_MARKUP_COLLECT_STRING, "id", &id, G_MARKUP_COLLECT_INVALID))
        p->vendor->id = g_strdup (id);
      return;
    }
  if (g_str_equal (parent, "step"))
    {
      if (!g_strv_contains (in_step, name))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "unknown element <%s> in a step", name);
      return;
    }
  if (!g_str_equal (parent, "vendor") || !g_strv_contains (elements, name))
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "unknown element <%s>", name);
      return;
    }
  if (g_str_equal (name, "step"))
    p->step = g_new0 (PvGuideStep, 1);
  else if (g_str_equal (name, "connection"))
    {
      const char *kind = NULL;

      if (!g_markup_collect_attributes (name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind, G_MARKUP_COLLECT_INVALID))
        return;
      if (!g_strv_contains (known_kinds, kind))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "no connection kind “%s”", kind);
      else if (g_strv_contains ((const char * const *) p->connections->pdata, kind))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "connection “%s” twice", kind);
      else
        g_ptr_array_insert (p->connections, p->connections->len - 1, g_strdup (kind));
    }
  else if (g_str_equal (name, "token"))
    {
      const char *format = NULL, *lifetime = NULL, *max_active = NULL, *old_token = NULL;

      if (!g_markup_collect_attributes (name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "format", &format,
                                        G_MARKUP_COLLECT_STRING, "lifetime-days", &lifetime,
                                        G_MARKUP_COLLECT_STRING, "max-active", &max_active,
                                        G_MARKUP_COLLECT_STRING, "old-token", &old_token,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (p->has_token)
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "<token> twice");
      else if (!g_strv_contains (known_formats, format))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "no token format “%s”", format);
      else if (!read_count (lifetime, 10 * 365, &p->vendor->lifetime_days))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "lifetime-days “%s” is not 0 to 3650", lifetime);
      else if (!read_count (max_active, 100, &p->vendor->max_active))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "max-active “%s” is not 0 to 100", max_active);
      else if (!g_strv_contains (known_old_token, old_token))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "no old-token “%s”", old_token);
      else
        {
          p->has_token = TRUE;
          p->vendor->token_format = g_strdup (format);
          p->vendor->old_token_dies = g_str_equal (old_token, "dies-at-once");
        }
    }
}

static void
text (GMarkupParseContext  *context,
      const char           *content,
      gsize                 length,
      gpointer              user_data,
      GError              **error)
{
  g_string_append_len (((Parse *) user_data)->text, content, length);
}

static void
replace_string (char       **field,
                char        *value)
{
  g_free (*field);
  *field = value;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Parse *p = user_data;
  g_autofree char *value = pv_guide_normalize_text (p->text->str);

  g_string_truncate (p->text, 0);
  if (p->step != NULL)
    {
      if (g_str_equal (name, "title"))
        replace_string (&p->step->title, g_steal_pointer (&value));
      else if (g_str_equal (name, "detail"))
        replace_string (&p->step->detail, g_steal_pointer (&value));
      else if (g_str_equal (name, "link"))
        replace_string (&p->step->link, g_steal_pointer (&value));
      else if (g_str_equal (name, "step"))
        {
          p->step->fields = g_new0 (char *, 1);
          g_ptr_array_add (p->vendor->steps, g_steal_pointer (&p->step));
        }
      return;
    }
  if (g_str_equal (name, "name"))
    replace_string (&p->vendor->name, g_steal_pointer (&value));
  else if (g_str_equal (name, "scim-url"))
    replace_string (&p->vendor->scim_url, g_steal_pointer (&value));
  else if (g_str_equal (name, "console"))
    replace_string (&p->vendor->console, g_steal_pointer (&value));
  else if (g_str_equal (name, "note"))
    replace_string (&p->vendor->note, g_steal_pointer (&value));
  else if (g_str_equal (name, "reminders"))
    replace_string (&p->reminders, g_steal_pointer (&value));
  else if (g_str_equal (name, "idp"))
    {
      if (!g_strv_contains (known_idps, value))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "no identity provider “%s”", value);
      else
        g_ptr_array_insert (p->idps, p->idps->len - 1, g_steal_pointer (&value));
    }
}

/* Whatever the markup held, a vendor the rest can rely on. */
static gboolean
check_vendor (Parse   *p,
              GError **error)
{
  PvVendor *v = p->vendor;

  if (v->id == NULL || !g_regex_match_simple ("^[a-z0-9-]{1,40}$", v->id, 0, 0))
    return invalid (error, p->file, "the id is 1 to 40 lowercase letters, digits and dashes");
  if (v->name == NULL || *v->name == '\0')
    return invalid (error, p->file, "a name is needed");
  if (v->scim_url != NULL && (!g_str_has_prefix (v->scim_url, "https://") || pv_tls_url_is_insecure (v->scim_url)))
    return invalid (error, p->file, "the SCIM URL is an https address");
  if (v->console != NULL && !g_str_has_prefix (v->console, "https://"))
    return invalid (error, p->file, "the console is an https page");
  if (p->connections->len < 2)
    return invalid (error, p->file, "at least one connection is needed");
  if (!p->has_token)
    return invalid (error, p->file, "<token> is needed");
  if (p->idps->len < 2)
    return invalid (error, p->file, "at least one identity provider is needed");
  if (p->reminders == NULL)
    return invalid (error, p->file, "<reminders> is needed, empty if the vendor sends none");
  if (*p->reminders != '\0')
    {
      g_autoptr(GError) local = NULL;

      if (!pv_expiry_policy_parse (&v->reminders, p->reminders, &local))
        {
          g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, "%s: reminders: %s", p->file, local->message);
          return FALSE;
        }
      v->has_reminders = TRUE;
    }
  if (v->steps->len == 0)
    return invalid (error, p->file, "at least one step is needed");
  for (guint i = 0; i < v->steps->len; i++)
    if (!pv_guide_check_step (g_ptr_array_index (v->steps, i), p->file, i + 1, error))
      return FALSE;
  return TRUE;
}

/**
 * pv_vendor_parse:
 * @name: the file's name for error messages ("timly")
 * @data: (array length=length): the vendor file's text
 *
 * Reads one vendor file and checks every part of it, as pv_vendor_lookup()
 * does with the catalog in the resources.
 *
 * Returns: (transfer full): the vendor as written, untranslated, or %NULL
 *   with an error that says what is wrong
 */
PvVendor *
pv_vendor_parse (const char  *name,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr(PvVendor) vendor = g_new0 (PvVendor, 1);
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) idps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) buffer = g_string_new (NULL);
  Parse p = { name, vendor, connections, idps, NULL, buffer, NULL, FALSE };
  gboolean ok;

  vendor->ref_count = 1;
  vendor->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_guide_step_free);
  g_ptr_array_add (connections, NULL);
  g_ptr_array_add (idps, NULL);
  pv_expiry_policy_init_default (&vendor->reminders);
  ok = pv_guide_markup_parse (&parser, &p, data, length, error);
  pv_guide_step_free (p.step);
  ok = ok && check_vendor (&p, error);
  g_free (p.reminders);
  if (!ok)
    return NULL;
  vendor->connections = (char **) g_ptr_array_steal (connections, NULL);
  vendor->identity_providers = (char **) g_ptr_array_steal (idps, NULL);
  return g_steal_pointer (&vendor);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * pv_vendor_list:
 *
 * Returns: (transfer full): the ids of the catalog's vendors, sorted, with
 *   "other" last
 */
char **
pv_vendor_list (void)
{
  g_auto(GStrv) names = NULL;
  GPtrArray *list = g_ptr_array_new ();
  gboolean other = FALSE;

  pv_guide_ensure_resources ();
  names = g_resources_enumerate_children (VENDORS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names && names[i]; i++)
    {
      if (!g_str_has_suffix (names[i], ".vendor"))
        continue;
      if (g_str_equal (names[i], "other.vendor"))
        other = TRUE;
      else
        g_ptr_array_add (list, g_strndup (names[i], strlen (names[i]) - strlen (".vendor")));
    }
  g_ptr_array_sort (list, compare_names);
  if (other)
    g_ptr_array_add (list, g_strdup ("other"));
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (list, FALSE);
}

/**
 * pv_vendor_lookup:
 * @id: a vendor of pv_vendor_list()
 *
 * Returns: (transfer full): the vendor, translated (read once, then
 *   shared: free it with pv_vendor_free()), or %NULL with a
 *   %PV_ERROR_NOT_FOUND if the catalog has no such vendor
 */
PvVendor *
pv_vendor_lookup (const char  *id,
                  GError     **error)
{
  static GHashTable *cache = NULL;   /* id -> PvVendor, read and translated once */
  G_LOCK_DEFINE_STATIC (cache);
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  PvVendor *vendor;

  G_LOCK (cache);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  vendor = id ? g_hash_table_lookup (cache, id) : NULL;
  if (vendor != NULL)
    g_atomic_int_inc (&vendor->ref_count);
  G_UNLOCK (cache);
  if (vendor != NULL)
    return vendor;

  pv_guide_ensure_resources ();
  if (id == NULL || strchr (id, '/') != NULL ||
      (path = g_strdup_printf (VENDORS_PATH "/%s.vendor", id),
       bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL)) == NULL)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_NOT_FOUND,
                   _("The catalog has no vendor “%s”; provisioctl app vendors lists them"), id ? id : "");
      return NULL;
    }
  vendor = pv_vendor_parse (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local);
  /* The catalog is part of the program; the tests read every vendor. */
  if (vendor == NULL)
    g_error ("The vendor %s is broken: %s", id, local->message);

  /* The msgids are the vendor file's own words, extracted through data/its. */
  replace_string (&vendor->name, g_strdup (g_dgettext (GETTEXT_PACKAGE, vendor->name)));
  if (vendor->note != NULL)
    replace_string (&vendor->note, g_strdup (g_dgettext (GETTEXT_PACKAGE, vendor->note)));
  for (guint i = 0; i < vendor->steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (vendor->steps, i);

      replace_string (&step->title, g_strdup (g_dgettext (GETTEXT_PACKAGE, step->title)));
      replace_string (&step->detail, g_strdup (g_dgettext (GETTEXT_PACKAGE, step->detail)));
    }
  G_LOCK (cache);
  if (!g_hash_table_contains (cache, vendor->id))
    {
      g_atomic_int_inc (&vendor->ref_count);
      g_hash_table_insert (cache, vendor->id, vendor);
    }
  G_UNLOCK (cache);
  return vendor;
}

/**
 * pv_vendor_has_connection:
 * @kind: "users" or "persons"
 *
 * Returns: whether the vendor provisions @kind through an app of its own
 */
gboolean
pv_vendor_has_connection (const PvVendor *vendor,
                          const char     *kind)
{
  return kind != NULL && g_strv_contains ((const char * const *) vendor->connections, kind);
}

/**
 * pv_vendor_renew_steps:
 * @kind: "users" or "persons"
 * @app_name: the tracked app's name, as the admin knows it
 * @scim_base_url: (nullable): its SCIM base URL
 *
 * Returns: (transfer full) (element-type PvGuideStep): the steps that make
 *   a new token in the vendor's console, with the values filled in
 */
GPtrArray *
pv_vendor_renew_steps (const PvVendor *vendor,
                       const char     *kind,
                       const char     *app_name,
                       const char     *scim_base_url)
{
  GPtrArray *filled = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_guide_step_free);
  const char *app = pv_guide_app_name (kind);

  for (guint i = 0; i < vendor->steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (vendor->steps, i);
      PvGuideStep *out = g_new0 (PvGuideStep, 1);

      out->title = pv_guide_fill (step->title, app, app_name, scim_base_url ? scim_base_url : "");
      out->detail = pv_guide_fill (step->detail, app, app_name, scim_base_url ? scim_base_url : "");
      out->link = g_strdup (step->link ? step->link : vendor->console);
      out->fields = g_strdupv (step->fields);
      g_ptr_array_add (filled, out);
    }
  return filled;
}
