import { BACKEND_SERVICES, peerUrlVariable } from '@ordering/contracts';

/** The only module of the tool that reads the environment; everything else gets these values passed in. */
export interface DlqEnvironment {
  brokerUrl?: string;
  /** `BROKER_NAMESPACE`, as the services read it. */
  brokerNamespace?: string;
  dataDir?: string;
  /** `OPERATOR_TOKEN`, for the services' operator routes; unset, the tool reads `<data dir>/operator-token`. */
  operatorToken?: string;
  /** `CUSTOMER_URL`, `ORDER_URL`, … by service name. */
  serviceUrls: Record<string, string>;
}

/** The services that consume messages, hence hold dead letters. */
export const SERVICES = BACKEND_SERVICES;

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

export const readDlqEnvironment = (env: NodeJS.ProcessEnv = process.env): DlqEnvironment => {
  const serviceUrls: Record<string, string> = {};
  for (const service of SERVICES) {
    const url = nonEmpty(env[peerUrlVariable(service)]);
    if (url) serviceUrls[service] = url;
  }
  const brokerUrl = nonEmpty(env['BROKER_URL']);
  const brokerNamespace = nonEmpty(env['BROKER_NAMESPACE']);
  const dataDir = nonEmpty(env['DATA_DIR']);
  const operatorToken = nonEmpty(env['OPERATOR_TOKEN']);
  return {
    ...(brokerUrl ? { brokerUrl } : {}),
    ...(brokerNamespace ? { brokerNamespace } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(operatorToken ? { operatorToken } : {}),
    serviceUrls,
  };
};
