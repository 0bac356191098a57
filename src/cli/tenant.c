/* tenant.c: provisioctl tenant …: adding, listing and removing tenants, and
 * renewing the admin API key Provisio holds for one
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-tenant"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-admin-key.h"
#include "pv-cache.h"
#include "pv-credentials.h"
#include "pv-expiry.h"
#include "pv-tenant-list.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-token.h"
#include "common.h"
#include "tenant.h"

static char *opt_pin_certificate;
static gboolean opt_allow_insecure_http;

const GOptionEntry tenant_add_entries[] = {
  { "pin-certificate", 0, 0, G_OPTION_ARG_FILENAME, &opt_pin_certificate,
    N_("Trust only this certificate (PEM) for the tenant, such as its self-signed one"), N_("FILE") },
  { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &opt_allow_insecure_http,
    N_("Allow a plain http:// URL to another computer: the key crosses the network unencrypted"), NULL },
  { NULL }
};

/* tenant add NAME URL: through the tenant list, as the app's Connect window:
 * checked live, as it will be reached, before anything is kept. */
static int
tenant_add (GFile      *file,
            const char *id,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvTenantList) tenants = pv_tenant_list_new (file);
  g_autoptr(PvTenantInfo) tenant = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autofree char *key = NULL;
  g_autofree char *pin = NULL;
  gint64 expires_at, days_left;
  PvTokenKind kind;
  PvProfile profile = { (char *) id, (char *) url };

  if (!pv_profile_id_is_valid (id))
    {
      g_printerr (_("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores\n"), id);
      return 2;
    }
  if (opt_pin_certificate != NULL && !(pin = pv_tls_fingerprint_of_file (opt_pin_certificate, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 2;
    }
  profile.pinned_certificate = pin;
  profile.allow_insecure_http = opt_allow_insecure_http;
  key = read_secret (_("Admin API key: "));
  if (!pv_token_is_well_formed (key, &kind) || kind != PV_TOKEN_ADMIN)
    {
      g_printerr (_("That is not a Provisio admin API key (they start with pva_ and are 53 characters long)\n"));
      return 2;
    }

  pv_tenant_list_add_profile_async (tenants, &profile, key, NULL, got_result_cb, &added);
  if (!(tenant = pv_tenant_list_add_finish (tenants, wait_for (&added), &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }

  /* Counted by the tenant's clock, as the tenant counts them */
  pv_tenant_info_get_key (tenant, NULL, NULL, NULL, &expires_at);
  days_left = pv_expiry_days_left (expires_at, pv_tenant_info_get_now (tenant, g_get_real_time () / G_USEC_PER_SEC));
  g_print (g_dngettext (GETTEXT_PACKAGE, "Added %s: tenant “%s” (%s), key of %s, %d day left\n",
                        "Added %s: tenant “%s” (%s), key of %s, %d days left\n", days_left),
           id, pv_tenant_info_get_name (tenant), pv_tenant_info_get_server_id (tenant),
           pv_tenant_info_get_account (tenant), (int) days_left);
  if (pin != NULL)
    g_print (_("Pinned certificate: SHA-256 %s\n"), pin);
  return 0;
}

static int
tenant_list (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);

  if (profiles == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      PvProfile *p = g_ptr_array_index (profiles, i);

      g_print ("%-20s %s", p->id, p->base_url);
      if (p->pinned_certificate != NULL)
        {
          g_print ("  ");
          /* Translators: %s is a certificate's SHA-256 fingerprint */
          g_print (_("pinned certificate SHA-256 %s"), p->pinned_certificate);
        }
      if (p->allow_insecure_http)
        g_print ("  %s", _("(plain HTTP allowed)"));
      g_print ("\n");
    }
  return 0;
}

static int
tenant_remove (GFile      *file,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);
  g_autoptr(GAsyncResult) cleared = NULL;
  guint index;

  if (profiles == NULL)
    goto fail;
  if (!find_profile (profiles, id, &index))
    {
      g_printerr (_("provisioctl: no tenant “%s”\n"), id);
      return 1;
    }
  g_ptr_array_remove_index (profiles, index);
  if (!save_profiles (file, profiles, &error))
    goto fail;
  {
    g_autoptr(GAsyncResult) forgotten = NULL;

    pv_cache_forget_async (id, NULL, got_result_cb, &forgotten);
    if (!pv_cache_forget_finish (wait_for (&forgotten), &error))
      goto fail;
  }
  pv_credentials_clear_async (id, PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &cleared);
  if (!pv_credentials_clear_finish (wait_for (&cleared), &error))
    goto fail;
  g_print (_("Removed %s and its key from the keyring\n"), id);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

/* tenant rotate-key NAME: the new key goes to the keyring, never to the terminal. */
static int
tenant_rotate_key (GFile      *file,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRotatedKey) key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *expires_at = NULL;

  if (!(client = client_for (file, id, &error)))
    goto fail;
  pv_admin_key_rotate_async (id, client, NULL, got_result_cb, &result);
  if (!(key = pv_admin_key_rotate_finish (wait_for (&result), &error)))
    goto fail;

  expires_at = pv_time_format (key->expires_at);
  g_print (_("New admin API key %s… for %s, in the keyring; it expires %s.\n"), key->prefix, id, expires_at);
  g_print (_("The key it replaces (%s) retires once it is no longer used.\n"), key->replaces);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return g_error_matches (error, PV_ERROR, PV_ERROR_KEY_EXPIRED) ? 2 : 1;
}

int
run_tenant_add (GFile *file, char **args)
{
  return tenant_add (file, args[0], args[1]);
}

int
run_tenant_list (GFile *file, char **args)
{
  return tenant_list (file);
}

int
run_tenant_remove (GFile *file, char **args)
{
  return tenant_remove (file, args[0]);
}

int
run_tenant_rotate_key (GFile *file, char **args)
{
  return tenant_rotate_key (file, args[0]);
}
