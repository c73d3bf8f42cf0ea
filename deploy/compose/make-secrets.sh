#!/usr/bin/env bash
# Generates every secret the compose stack needs into per-service env files (default deploy/compose/secrets/, which
# is gitignored; or the directory given as the first argument). Each service gets only its own secrets:
#   every messaging service: its own MESSAGE_SIGNING_KEY (Ed25519, base64 PKCS#8 DER), everyone's
#     MESSAGE_PUBLIC_KEYS, the one OPERATOR_TOKEN of the operator routes (the dlq tool sends the same to all),
#     DATABASE_URL and BROKER_URL (they carry passwords);
#   customer also: SIGNING_KEY_ENCRYPTION_KEY (32 bytes) and ADMIN_PASSWORD;
#   postgres and rabbitmq: their own passwords.
# Existing files are kept (the customer database stays readable only with the same SIGNING_KEY_ENCRYPTION_KEY);
# remove the directory to start over. Needs openssl and base64.
set -euo pipefail

dir="${1:-$(dirname "${BASH_SOURCE[0]}")/secrets}"
if [[ -e "${dir}/customer.env" ]]; then
  echo "secrets already in ${dir}; remove that directory to generate new ones"
  exit 0
fi
command -v openssl >/dev/null || { echo "make-secrets: openssl is required" >&2; exit 1; }

random_token() { openssl rand -hex 32; }
mkdir -p "${dir}"
chmod 700 "${dir}"
umask 077

declare -A signing_key
public_keys=''
for service in customer order account orchestrator; do
  private_der="$(openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)"
  public_der="$(base64 -d <<<"${private_der}" | openssl pkey -inform DER -pubout -outform DER | base64 -w0)"
  signing_key[${service}]="${private_der}"
  public_keys+="${public_keys:+,}${service}=${public_der}"
done

postgres_password="$(random_token)"
rabbitmq_password="$(random_token)"
operator_token="$(random_token)"

printf 'POSTGRES_PASSWORD=%s\n' "${postgres_password}" >"${dir}/postgres.env"
printf 'RABBITMQ_DEFAULT_USER=ordering\nRABBITMQ_DEFAULT_PASS=%s\n' "${rabbitmq_password}" >"${dir}/rabbitmq.env"
# The gateway holds no secret today; the file exists so that every service reads one the same way.
printf '# no secrets for the gateway yet\n' >"${dir}/gateway.env"

for service in customer order account orchestrator; do
  {
    printf 'DATABASE_URL=postgres://postgres:%s@postgres:5432/%s\n' "${postgres_password}" "${service}"
    printf 'BROKER_URL=amqp://ordering:%s@rabbitmq:5672\n' "${rabbitmq_password}"
    printf 'MESSAGE_SIGNING_KEY=%s\n' "${signing_key[${service}]}"
    printf 'MESSAGE_PUBLIC_KEYS=%s\n' "${public_keys}"
    printf 'OPERATOR_TOKEN=%s\n' "${operator_token}"
    if [[ "${service}" == customer ]]; then
      printf 'SIGNING_KEY_ENCRYPTION_KEY=%s\n' "$(openssl rand -base64 32)"
      printf 'ADMIN_PASSWORD=%s\n' "$(openssl rand -base64 24)"
    fi
  } >"${dir}/${service}.env"
done
echo "wrote secrets for postgres, rabbitmq, gateway, customer, order, account, orchestrator to ${dir}"
