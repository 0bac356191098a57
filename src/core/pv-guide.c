/* pv-guide.c: the steps an admin takes in the identity provider
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-guide.h"

/* The one place where the identity providers' screens are described; the
 * app's renew assistant, its help and the CLI's hints all read them from
 * here.  Each step names the app (Users or Persons) it concerns, because
 * the two are separate enterprise applications. */

typedef struct {
  const char *title;
  const char *detail;
} Step;


/* Translators: in the steps, keep {app} (the app: "Users" or "Persons"),
 * {tenant} (the tenant's name) and {url} (the tenant URL) as they are */
static const Step entra_renew[] = {
  { N_("Sign in to the Microsoft Entra admin center"),
    N_("Open entra.microsoft.com with an account that is at least a Cloud Application Administrator.") },
  { N_("Open the enterprise application for {app}"),
    N_("Go to Identity › Applications › Enterprise applications and open the app that provisions "
       "{app} of {tenant}. Users and Persons are two different apps: check the name before going on.") },
  { N_("Open Provisioning › Connectivity"),
    N_("In the app, select Provisioning, then Manage › Connectivity (called Admin Credentials in "
       "older versions of the portal).") },
  { N_("Paste the new token into Secret token"),
    N_("Replace what is in Secret token with the token copied from Provisio. The Tenant URL must "
       "stay {url}.") },
  { N_("Select Test connection"),
    N_("Entra tries the token against the tenant at once; it should report that the credentials "
       "are authorized.") },
  { N_("Select Save"),
    N_("The provisioning service uses the new token from its next cycle, which can take up to 40 "
       "minutes; Provisio waits for that first use.") },
};

static const Step okta_renew[] = {
  { N_("Sign in to the Okta Admin Console"),
    N_("Use an account that may edit application provisioning.") },
  { N_("Open the application for {app}"),
    N_("Go to Applications › Applications and open the app that provisions {app} of {tenant}. Users and "
       "Persons are two different apps: check the name before going on.") },
  { N_("Open Provisioning › Integration and select Edit"),
    N_("The SCIM connector base URL must stay {url}.") },
  { N_("Paste the new token into API Token"),
    N_("Replace the token in the API Token field (HTTP Header authentication) with the one copied "
       "from Provisio.") },
  { N_("Select Test API Credentials"),
    N_("Okta tries the token at once and should say that the app was verified.") },
  { N_("Select Save"),
    N_("Okta uses the new token from the next provisioning request; Provisio waits for that first use.") },
};

static const Step other_renew[] = {
  { N_("Open the provisioning settings of the app for {app}"),
    N_("In your identity provider, open the app that provisions {app} of {tenant}.") },
  { N_("Replace the bearer token"),
    N_("Paste the token copied from Provisio where the SCIM bearer token goes. The SCIM base URL must "
       "stay {url}.") },
  { N_("Test and save"),
    N_("Use the identity provider's connection test if it has one, then save.") },
};

static char *
fill (const char *text,
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

void
pv_guide_step_free (PvGuideStep *step)
{
  if (step == NULL)
    return;
  g_free (step->title);
  g_free (step->detail);
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
 * pv_guide_renew_steps:
 * @identity_provider: (nullable): "entra", "okta", anything else
 * @kind: "users" or "persons"
 * @tenant_name: the tenant's name, as the admin knows it
 * @scim_base_url: the tenant URL the identity provider must keep
 *
 * The steps that put a new token into the identity provider's app.  A
 * connection never set up is guided as Entra's, the common case.
 *
 * Returns: (transfer full) (element-type PvGuideStep): the steps, in order
 */
GPtrArray *
pv_guide_renew_steps (const char *identity_provider,
                      const char *kind,
                      const char *tenant_name,
                      const char *scim_base_url)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_guide_step_free);
  const char *app = pv_guide_app_name (kind);
  const Step *table = entra_renew;
  gsize n = G_N_ELEMENTS (entra_renew);

  if (g_strcmp0 (identity_provider, "okta") == 0)
    {
      table = okta_renew;
      n = G_N_ELEMENTS (okta_renew);
    }
  else if (g_strcmp0 (identity_provider, "other") == 0)
    {
      table = other_renew;
      n = G_N_ELEMENTS (other_renew);
    }

  for (gsize i = 0; i < n; i++)
    {
      PvGuideStep *step = g_new0 (PvGuideStep, 1);

      step->title = fill (_(table[i].title), app, tenant_name, scim_base_url);
      step->detail = fill (_(table[i].detail), app, tenant_name, scim_base_url);
      g_ptr_array_add (steps, step);
    }
  return steps;
}
