/* pv-guide.c: the steps an admin takes in the identity provider
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-guide"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-core-resources.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-guide-private.h"

/* The guides are data: data/guides/IDP-TASK.guide, one per identity
 * provider and task, compiled into libprovisio as resources and made
 * translatable through ITS rules (data/its): the renew assistant, the CLI
 * and the tests all read them from here.  A guide is
 *
 *   <guide idp="entra" task="renew">
 *     <step>
 *       <title>…</title> <detail>…</detail>
 *       <link>https://…</link>          (optional)
 *       <field>tenant-url</field>       (optional, repeated)
 *     </step>
 *   </guide>
 *
 * In title and detail, {app} is "Users" or "Persons", {tenant} the tenant's
 * name and {url} the tenant URL; each step names the app it concerns,
 * because the two are separate enterprise applications. */

#define GUIDES_PATH "/io/github/provisio/Provisio/guides"

static const char *known_fields[] = { "tenant-url", "secret-token", NULL };
static const char *known_placeholders[] = { "app", "tenant", "url", NULL };

/* The core's resources (the guides, the vendor catalog), registered once */
void
pv_guide_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      pv_core_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

void
pv_guide_step_free (PvGuideStep *step)
{
  if (step == NULL)
    return;
  g_free (step->title);
  g_free (step->detail);
  g_free (step->link);
  g_strfreev (step->fields);
  g_free (step);
}

/**
 * pv_guide_app_name:
 * @kind: "users" or "persons"
 *
 * Returns: the name of the app a step concerns, translated: "Users" or "Persons"
 */
const char *
pv_guide_app_name (const char *kind)
{
  if (g_strcmp0 (kind, "persons") == 0)
    /* Translators: the enterprise app that provisions persons (people without a login) */
    return _("Persons");
  /* Translators: the enterprise app that provisions users (people who log in) */
  return _("Users");
}

/**
 * pv_guide_provider_name:
 * @identity_provider: (nullable): "entra", "okta", "other" or %NULL
 *
 * Returns: its name for people
 */
const char *
pv_guide_provider_name (const char *identity_provider)
{
  if (g_strcmp0 (identity_provider, "entra") == 0)
    return "Microsoft Entra ID";
  if (g_strcmp0 (identity_provider, "okta") == 0)
    return "Okta";
  if (identity_provider == NULL)
    return _("Not set up");
  return _("Another identity provider");
}

/**
 * pv_guide_provider_cycle:
 * @identity_provider: (nullable): "entra", "okta", "other" or %NULL
 *
 * How long an identity provider that still holds a token may go without
 * using it: Microsoft Entra ID runs a provisioning cycle every 40 minutes;
 * Okta pushes each change as it happens and has no cycle, nor do the
 * others we know nothing of, so for them an hour stands in.  provisiod
 * retires a replaced token only after two of these without it, counted
 * from the identity provider's first change with the new one
 * (docs/provisiod.md, “Token rules”), and the renew assistant says so.
 *
 * Returns: seconds
 */
gint64
pv_guide_provider_cycle (const char *identity_provider)
{
  if (g_strcmp0 (identity_provider, "entra") == 0)
    return 40 * 60;
  return 60 * 60;
}

/* The attribute mappings that match what the tenant's SCIM endpoint
 * keeps (data/scim/scim-schemas.json), as the admin sets them in the
 * identity provider's app. */
static const PvAttributeMapping entra_mappings[] = {
  { "objectId", "externalId", N_("Matching attribute, precedence 1") },
  { "userPrincipalName", "userName", N_("Matching attribute, precedence 2") },
  { "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", "active", NULL },
  { "displayName", "displayName", NULL },
  { "mail", "emails[type eq \"work\"].value", NULL },
  { "givenName", "name.givenName", NULL },
  { "surname", "name.familyName", NULL },
  { "jobTitle", "title", NULL },
  { "employeeId", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    N_("Where the connection keeps it") },
  { "manager", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    N_("Where the connection keeps it") },
};

static const PvAttributeMapping okta_mappings[] = {
  { "user.login", "userName", N_("Unique identifier for users") },
  { "user.firstName", "name.givenName", NULL },
  { "user.lastName", "name.familyName", NULL },
  { "user.displayName", "displayName", NULL },
  { "user.email", "emails[type eq \"work\"].value", NULL },
  { "user.title", "title", NULL },
  { "user.employeeNumber", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    N_("Where the connection keeps it") },
};

/**
 * pv_guide_mappings:
 * @identity_provider: (nullable): "okta", or anything else for Entra's
 *
 * Returns: (array length=n_mappings): the attribute mappings to set up;
 *   notes are untranslated (N_())
 */
const PvAttributeMapping *
pv_guide_mappings (const char *identity_provider,
                   guint      *n_mappings)
{
  if (g_strcmp0 (identity_provider, "okta") == 0)
    {
      *n_mappings = G_N_ELEMENTS (okta_mappings);
      return okta_mappings;
    }
  *n_mappings = G_N_ELEMENTS (entra_mappings);
  return entra_mappings;
}

/* Parsing */

typedef struct {
  GPtrArray   *steps;     /* PvGuideStep, as written */
  PvGuideStep *step;      /* being read */
  GPtrArray   *fields;
  GString     *text;
} Parse;

/**
 * pv_guide_markup_parse:
 * @parser: the callbacks
 * @user_data: their data
 * @data: (array length=length): a whole guide or vendor file
 *
 * Reads a whole file with GMarkup, once its bytes are known to be UTF-8.
 * GLib's own check of the text in a CDATA section (GLib 2.74) reports its
 * error and then reads on, so that a later error is set over the first:
 * a file that is not UTF-8 is refused here before GMarkup sees it.
 *
 * Returns: %TRUE if the file was read to its end without an error
 */
gboolean
pv_guide_markup_parse (const GMarkupParser  *parser,
                       gpointer              user_data,
                       const char           *data,
                       gsize                 length,
                       GError              **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  const char *end = NULL;

  if (!g_utf8_validate_len (data, length, &end))
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_BAD_UTF8,
                   "byte %" G_GSIZE_FORMAT " is not UTF-8 text", (gsize) (end - data) + 1);
      return FALSE;
    }
  context = g_markup_parse_context_new (parser, G_MARKUP_TREAT_CDATA_AS_TEXT, user_data, NULL);
  return g_markup_parse_context_parse (context, data, length, error) &&
         g_markup_parse_context_end_parse (context, error);
}

/* As xgettext does for ITS: runs of white space are one space. */
char *
pv_guide_normalize_text (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n\r", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, words[i]);
    }
  return g_string_free (s, FALSE);
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

  g_string_truncate (p->text, 0);
  if (g_str_equal (name, "step") && p->step != NULL)
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "<step> inside a step");
  else if (g_str_equal (name, "step"))
    {
      p->step = g_new0 (PvGuideStep, 1);
      p->fields = g_ptr_array_new_with_free_func (g_free);
    }
  else if (!g_str_equal (name, "guide") && p->step == NULL)
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "<%s> outside a step", name);
  else if (!g_str_equal (name, "guide") && !g_strv_contains ((const char *[]) { "title", "detail", "link", "field", NULL }, name))
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "unknown element <%s>", name);
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
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Parse *p = user_data;
  g_autofree char *value = pv_guide_normalize_text (p->text->str);

  if (p->step == NULL)
    return;
  if (g_str_equal (name, "title"))
    replace_string (&p->step->title, value);
  else if (g_str_equal (name, "detail"))
    replace_string (&p->step->detail, value);
  else if (g_str_equal (name, "link"))
    replace_string (&p->step->link, value);
  else if (g_str_equal (name, "field"))
    g_ptr_array_add (p->fields, g_steal_pointer (&value));
  else if (g_str_equal (name, "step"))
    {
      g_ptr_array_add (p->fields, NULL);
      p->step->fields = (char **) g_ptr_array_free (g_steal_pointer (&p->fields), FALSE);
      g_ptr_array_add (p->steps, g_steal_pointer (&p->step));
    }
}

/* Every step has a title and a detail, names only known fields and
 * placeholders, and links to https pages only. */
gboolean
pv_guide_check_step (const PvGuideStep  *step,
                     const char         *guide,
                     guint               n,
                     GError            **error)
{
  const char *texts[] = { step->title, step->detail };

  if (step->title == NULL || *step->title == '\0' || step->detail == NULL || *step->detail == '\0')
    return g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                        "%s, step %u: a title and a detail are needed", guide, n), FALSE;
  if (step->link != NULL && !g_str_has_prefix (step->link, "https://"))
    return g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                        "%s, step %u: links go to https pages", guide, n), FALSE;
  for (guint i = 0; step->fields[i]; i++)
    if (!g_strv_contains (known_fields, step->fields[i]))
      return g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                          "%s, step %u: no field “%s”", guide, n, step->fields[i]), FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    for (const char *open = strchr (texts[t], '{'); open; open = strchr (open + 1, '{'))
      {
        const char *close = strchr (open, '}');
        g_autofree char *name = close ? g_strndup (open + 1, close - open - 1) : NULL;

        if (name == NULL || !g_strv_contains (known_placeholders, name))
          return g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                              "%s, step %u: no placeholder “%s”", guide, n, name ? name : open), FALSE;
      }
  return TRUE;
}

char *
pv_guide_fill (const char *text,
               const char *app,
               const char *tenant,
               const char *url)
{
  GString *s = g_string_new (text);

  g_string_replace (s, "{app}", app, 0);
  g_string_replace (s, "{tenant}", tenant, 0);
  g_string_replace (s, "{url}", url, 0);
  return g_string_free (s, FALSE);
}

/**
 * pv_guide_parse:
 * @name: the guide's name for error messages ("entra-renew")
 * @data: (array length=length): the guide file's text
 *
 * Reads one guide file and checks each step (a title and a detail, known
 * fields and placeholders, https links only), as pv_guide_steps() does
 * with the guides in the resources; the fuzz tests call it with any bytes.
 *
 * Returns: (transfer full) (element-type PvGuideStep): the steps as
 *   written, untranslated and unfilled, or %NULL with an error
 */
GPtrArray *
pv_guide_parse (const char  *name,
                const char  *data,
                gsize        length,
                GError     **error)
{
  const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_guide_step_free);
  Parse p = { steps, NULL, NULL, g_string_new (NULL) };
  gboolean ok;

  ok = pv_guide_markup_parse (&parser, &p, data, length, error);
  g_string_free (p.text, TRUE);
  if (p.step != NULL)
    pv_guide_step_free (p.step);
  if (p.fields != NULL)
    g_ptr_array_free (p.fields, TRUE);
  if (!ok)
    return NULL;
  if (steps->len == 0)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE, "%s has no steps", name);
      return NULL;
    }
  for (guint i = 0; i < steps->len; i++)
    if (!pv_guide_check_step (g_ptr_array_index (steps, i), name, i + 1, error))
      return NULL;
  return g_steal_pointer (&steps);
}

/**
 * pv_guide_list:
 *
 * Returns: (transfer full): the guides there are, as "IDP-TASK"
 */
char **
pv_guide_list (void)
{
  g_auto(GStrv) names = NULL;
  GPtrArray *list = g_ptr_array_new ();

  pv_guide_ensure_resources ();
  names = g_resources_enumerate_children (GUIDES_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names && names[i]; i++)
    if (g_str_has_suffix (names[i], ".guide"))
      g_ptr_array_add (list, g_strndup (names[i], strlen (names[i]) - strlen (".guide")));
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (list, FALSE);
}

/**
 * pv_guide_steps:
 * @identity_provider: (nullable): "entra", "okta", "other"; %NULL (never
 *   set up) is guided as Entra, the common case
 * @task: "renew" or "setup"
 * @kind: "users" or "persons"
 * @tenant_name: the tenant's name, as the admin knows it
 * @scim_base_url: the tenant URL the identity provider uses
 *
 * The steps of a guide, translated, with the tenant's values filled in.
 *
 * Returns: (transfer full) (element-type PvGuideStep): the steps, in order,
 *   or %NULL if there is no such guide or it is malformed
 */
GPtrArray *
pv_guide_steps (const char  *identity_provider,
                const char  *task,
                const char  *kind,
                const char  *tenant_name,
                const char  *scim_base_url,
                GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  GPtrArray *filled;
  const char *app = pv_guide_app_name (kind);

  pv_guide_ensure_resources ();
  path = g_strdup_printf (GUIDES_PATH "/%s-%s.guide", identity_provider ? identity_provider : "entra", task);
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  steps = pv_guide_parse (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
  if (steps == NULL)
    return NULL;

  filled = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_guide_step_free);
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);
      PvGuideStep *out;

      out = g_new0 (PvGuideStep, 1);
      /* The msgids are the guide's own words, extracted through data/its. */
      out->title = pv_guide_fill (g_dgettext (GETTEXT_PACKAGE, step->title), app, tenant_name, scim_base_url);
      out->detail = pv_guide_fill (g_dgettext (GETTEXT_PACKAGE, step->detail), app, tenant_name, scim_base_url);
      out->link = g_strdup (step->link);
      out->fields = g_strdupv (step->fields);
      g_ptr_array_add (filled, out);
    }
  return filled;
}

/**
 * pv_guide_renew_steps:
 * @identity_provider: (nullable): "entra", "okta", anything else
 *
 * The steps that put a new token into the identity provider's app.
 *
 * Returns: (transfer full) (element-type PvGuideStep): the steps, in order
 */
GPtrArray *
pv_guide_renew_steps (const char *identity_provider,
                      const char *kind,
                      const char *tenant_name,
                      const char *scim_base_url)
{
  g_autoptr(GError) error = NULL;
  const char *idp = identity_provider == NULL || g_str_equal (identity_provider, "entra") ||
                    g_str_equal (identity_provider, "okta") ? identity_provider : "other";
  GPtrArray *steps = pv_guide_steps (idp, "renew", kind, tenant_name, scim_base_url, &error);

  /* The guides are part of the program; the tests read every one. */
  if (steps == NULL)
    g_error ("The renew guide of %s is broken: %s", idp ? idp : "entra", error->message);
  return steps;
}
