/* pvd-demo.c: the demo tenants of `provisiod --demo`
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-demo"

#include "config.h"

#include <string.h>

#include "pvd-demo.h"

/* The demo is built through the same store calls as real use, at moments in
 * the past, so every state it shows is one the server really reaches. */

#define DAY ((gint64) 86400)
#define HOUR ((gint64) 3600)
#define MINUTE ((gint64) 60)

void
pvd_demo_tenant_free (PvdDemoTenant *tenant)
{
  if (tenant == NULL)
    return;
  g_free (tenant->slug);
  g_free (tenant->name);
  g_free (tenant->admin_key);
  g_free (tenant->vendor);
  g_free (tenant->users_token);
  g_free (tenant->persons_token);
  g_free (tenant);
}

typedef struct {
  PvdStore  *store;
  PvdTenant *tenant;
  char      *owner;
  gint64     now;
  gint64     grace;
} Demo;

static char *
issue (Demo        *demo,
       const char  *kind,
       gint64       at,
       gint64       lifetime_days,
       PvdRetire    retire,
       const char  *description,
       char       **out_id,
       GError     **error)
{
  g_autoptr(PvdToken) token = NULL;
  char *secret = pvd_store_issue_token (demo->store, demo->tenant->id, kind, description,
                                        lifetime_days, retire, demo->owner, at, &token, error);

  if (secret != NULL && out_id != NULL)
    *out_id = g_strdup (token->id);
  return secret;
}

/* An identity provider's changes with @secret, spread from @first to @last: each
 * one provisions (a POST or PATCH), so a replacement's changes retire the
 * token it replaces as in production. */
static gboolean
use (Demo        *demo,
     const char  *kind,
     const char  *secret,
     const char  *user_agent,
     gint64       first,
     gint64       last,
     guint        n_requests,
     GError     **error)
{
  static const struct {
    const char *operation;
    int         status;
  } requests[] = {
    { "POST /Users", 201 }, { "PATCH /Users", 200 }, { "PATCH /Users", 200 },
    { "PATCH /Groups", 204 },
  };

  for (guint i = 0; i < n_requests; i++)
    {
      gint64 at = n_requests > 1 ? first + (last - first) * i / (n_requests - 1) : last;
      g_autoptr(PvdToken) token = NULL;
      PvdEvent event = { 0 };

      if (pvd_store_authenticate_scim (demo->store, secret, demo->tenant->id, kind, user_agent, TRUE,
                                       at, demo->grace, &token, error) != PVD_SCIM_AUTH_OK)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID, "A demo token was refused");
          return FALSE;
        }
      event.at = at;
      event.type = (char *) "scim";
      event.token_id = token->id;
      event.token_prefix = token->prefix;
      event.operation = (char *) requests[i % G_N_ELEMENTS (requests)].operation;
      event.status = requests[i % G_N_ELEMENTS (requests)].status;
      event.user_agent = (char *) user_agent;
      if (!pvd_store_add_event (demo->store, demo->tenant->id, kind, &event, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_up (Demo        *demo,
        const char  *kind,
        const char  *identity_provider,
        GError     **error)
{
  g_autoptr(PvdConnection) c = pvd_store_get_connection (demo->store, demo->tenant->id, kind,
                                                         error);

  if (c == NULL)
    return FALSE;
  g_free (c->identity_provider);
  c->identity_provider = g_strdup (identity_provider);
  return pvd_store_update_connection (demo->store, c, PVD_CONNECTION_IDENTITY_PROVIDER, error);
}

static gboolean
set_sso (Demo        *demo,
         const char  *idp_entity_id,
         gint64       cert_days_left,
         GError     **error)
{
  g_autoptr(PvdSso) sso = pvd_store_get_sso (demo->store, demo->tenant->id, error);
  g_autofree char *seed = NULL;

  if (sso == NULL)
    return FALSE;

  /* Demo certificates are described, not created: a text naming the tenant
   * stands for the certificate's DER. */
  seed = g_strdup_printf ("demo certificate of %s", demo->tenant->slug);

  g_free (sso->idp_entity_id);
  sso->idp_entity_id = g_strdup (idp_entity_id);
  sso->enforced = TRUE;
  g_free (sso->cert_subject);
  sso->cert_subject = g_strdup_printf ("CN=%s SSO signing (demo)", demo->tenant->name);
  g_free (sso->cert_fingerprint);
  sso->cert_fingerprint = pvd_sso_fingerprint ((const guint8 *) seed, strlen (seed));
  sso->cert_not_after = demo->now + cert_days_left * DAY;
  sso->cert_not_before = sso->cert_not_after - 3 * 365 * DAY;
  return pvd_store_update_sso (demo->store, sso,
                               PVD_SSO_IDP_ENTITY_ID | PVD_SSO_ENFORCED | PVD_SSO_CERTIFICATE, error);
}

static PvdDemoTenant *
create (Demo        *demo,
        const char  *slug,
        const char  *name,
        GError     **error)
{
  PvdDemoTenant *result;
  char *key;

  demo->tenant = pvd_store_create_tenant (demo->store, slug, name, demo->now - 400 * DAY, error);
  if (demo->tenant == NULL)
    return NULL;
  g_free (demo->owner);
  demo->owner = g_strdup_printf ("admin@%s.example", slug);
  key = pvd_store_issue_api_key (demo->store, demo->tenant->id, demo->owner,
                                 PVD_ADMIN_KEY_LIFETIME_DAYS, demo->now, NULL, error);
  if (key == NULL)
    return NULL;

  result = g_new0 (PvdDemoTenant, 1);
  result->slug = g_strdup (slug);
  result->name = g_strdup (name);
  result->admin_key = key;
  return result;
}

static void
demo_clear (Demo *demo)
{
  g_clear_pointer (&demo->tenant, pvd_tenant_free);
  g_clear_pointer (&demo->owner, g_free);
}

#define ENTRA_AGENT "Microsoft Entra provisioning (demo)"
#define OKTA_AGENT "Okta SCIM Client (demo)"

static gboolean
seed_contoso (Demo       *demo,
              GPtrArray  *out,
              GError    **error)
{
  gint64 now = demo->now;
  g_autofree char *users = NULL;
  g_autofree char *persons_old = NULL;
  g_autofree char *persons_new = NULL;
  g_autofree char *persons_new_id = NULL;
  g_autoptr(PvdToken) revoked = NULL;
  PvdDemoTenant *t = create (demo, "contoso", "Contoso Ltd", error);

  if (t == NULL)
    return FALSE;
  g_ptr_array_add (out, t);

  /* Users: expires in six days, still in daily use. */
  if (!set_up (demo, "users", "entra", error) ||
      !(users = issue (demo, "users", now - 359 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                       "Entra app “Contoso Users”", NULL, error)) ||
      !use (demo, "users", users, ENTRA_AGENT, now - 358 * DAY, now - 2 * HOUR, 12, error))
    return FALSE;

  /* Persons: expired three days ago; a replacement was issued and revoked
   * again before anyone pasted it. */
  if (!set_up (demo, "persons", "entra", error) ||
      !(persons_old = issue (demo, "persons", now - 368 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                             "Entra app “Contoso Persons”", NULL, error)) ||
      !use (demo, "persons", persons_old, ENTRA_AGENT, now - 367 * DAY, now - 61 * DAY, 6, error) ||
      !(persons_new = issue (demo, "persons", now - 60 * DAY, 365, PVD_RETIRE_NEVER,
                             "Renewal, not pasted", &persons_new_id, error)))
    return FALSE;
  revoked = pvd_store_revoke_token (demo->store, demo->tenant->id, "persons", persons_new_id,
                                    "it-desk@contoso.example", FALSE, now - 40 * DAY, error);
  if (revoked == NULL ||
      !use (demo, "persons", persons_old, ENTRA_AGENT, now - 39 * DAY, now - 4 * DAY, 4, error))
    return FALSE;

  return set_sso (demo, "https://sts.windows.net/contoso-demo/", 20, error);
}

static gboolean
seed_fabrikam (Demo       *demo,
               GPtrArray  *out,
               GError    **error)
{
  gint64 now = demo->now;
  g_autofree char *old = NULL;
  g_autofree char *fresh = NULL;
  PvdDemoTenant *t = create (demo, "fabrikam", "Fabrikam, Inc.", error);

  if (t == NULL)
    return FALSE;
  g_ptr_array_add (out, t);

  /* Users: five weeks left, and a renewal waiting for Okta's first use.
   * Persons: never set up. */
  if (!set_up (demo, "users", "okta", error) ||
      !(old = issue (demo, "users", now - 330 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                     "Okta app “Fabrikam SCIM”", NULL, error)) ||
      !use (demo, "users", old, OKTA_AGENT, now - 329 * DAY, now - 30 * MINUTE, 10, error) ||
      !(fresh = issue (demo, "users", now - HOUR, 365, PVD_RETIRE_ON_FIRST_USE,
                       "Renewal for Okta", NULL, error)))
    return FALSE;

  return set_sso (demo, "http://www.okta.com/fabrikam-demo", 700, error);
}

static gboolean
seed_northwind (Demo       *demo,
                GPtrArray  *out,
                GError    **error)
{
  gint64 now = demo->now;
  g_autofree char *old = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *persons = NULL;
  PvdDemoTenant *t = create (demo, "northwind", "Northwind Traders", error);

  if (t == NULL)
    return FALSE;
  g_ptr_array_add (out, t);

  /* Users: renewed two days ago; Entra switched within the hour and the old
   * token retired by itself. */
  if (!set_up (demo, "users", "entra", error) ||
      !(old = issue (demo, "users", now - 360 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                     "Entra app “Northwind Users”", NULL, error)) ||
      !use (demo, "users", old, ENTRA_AGENT, now - 359 * DAY, now - 2 * DAY, 10, error) ||
      !(fresh = issue (demo, "users", now - 2 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                       "Entra app “Northwind Users”, renewed", NULL, error)) ||
      !use (demo, "users", fresh, ENTRA_AGENT, now - 2 * DAY + 40 * MINUTE, now - 10 * MINUTE,
            6, error))
    return FALSE;

  /* Persons: forty days left. */
  if (!set_up (demo, "persons", "entra", error) ||
      !(persons = issue (demo, "persons", now - 325 * DAY, 365, PVD_RETIRE_ON_FIRST_USE,
                         "Entra app “Northwind Persons”", NULL, error)) ||
      !use (demo, "persons", persons, ENTRA_AGENT, now - 324 * DAY, now - 35 * MINUTE, 8, error))
    return FALSE;

  return set_sso (demo, "https://sts.windows.net/northwind-demo/", 300, error);
}

/* A stand-in for a vendor of the catalog (data/vendors): Timly, whose Users
 * and Persons each have a token made in its console 320 days ago.  The app
 * tracks both; the vendor accepts the Users token and rejects the Persons
 * one, revoked in its console since. */
static gboolean
seed_vendor (Demo       *demo,
             GPtrArray  *out,
             GError    **error)
{
  gint64 issued = demo->now - 320 * DAY;
  g_autofree char *persons_id = NULL;
  g_autoptr(PvdToken) revoked = NULL;
  PvdDemoTenant *t = create (demo, "timly-demo", "Timly (demo)", error);

  if (t == NULL)
    return FALSE;
  g_ptr_array_add (out, t);
  t->vendor = g_strdup ("timly");
  t->issued_at = issued;
  if (!set_up (demo, "users", "entra", error) || !set_up (demo, "persons", "entra", error) ||
      !(t->users_token = issue (demo, "users", issued, 365, PVD_RETIRE_NEVER, "Timly Users", NULL, error)) ||
      !(t->persons_token = issue (demo, "persons", issued, 365, PVD_RETIRE_NEVER, "Timly Persons",
                                  &persons_id, error)))
    return FALSE;
  revoked = pvd_store_revoke_token (demo->store, demo->tenant->id, "persons", persons_id,
                                    demo->owner, TRUE, demo->now - 2 * DAY, error);
  return revoked != NULL;
}

/**
 * pvd_demo_seed:
 * @store: an empty store
 * @now: the server's time
 *
 * Returns: (transfer full) (element-type PvdDemoTenant): the demo tenants,
 *   each with its admin API key
 */
GPtrArray *
pvd_demo_seed (PvdStore  *store,
               gint64     now,
               gint64     retire_grace,
               GError   **error)
{
  g_autoptr(GPtrArray) tenants =
    g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_demo_tenant_free);
  Demo demo = { store, NULL, NULL, now, retire_grace };
  gboolean ok;

  ok = seed_contoso (&demo, tenants, error);
  demo_clear (&demo);
  ok = ok && seed_fabrikam (&demo, tenants, error);
  demo_clear (&demo);
  ok = ok && seed_northwind (&demo, tenants, error);
  demo_clear (&demo);
  ok = ok && seed_vendor (&demo, tenants, error);
  demo_clear (&demo);

  return ok ? g_steal_pointer (&tenants) : NULL;
}
