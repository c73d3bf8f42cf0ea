import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';

export interface ImageBump {
  service: string;
  tag: string;
  /** `sha256:<64 hex>`; required where the overlay already pins a digest, so a tag never runs with a stale digest. */
  digest?: string | undefined;
}

// Docker's reference grammar for a tag.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The last path segment of an image name: registry.example.com/ordering/order -> order. */
const repositoryName = (image: string): string => image.slice(image.lastIndexOf('/') + 1);

/**
 * A kustomization.yaml with one entry of its `images:` list changed: newTag (and digest) of the image named after
 * the service. Everything else, comments and key order included, stays as it was.
 */
export const bumpImage = (kustomization: string, bump: ImageBump): string => {
  if (!TAG.test(bump.tag)) throw new Error(`invalid tag '${bump.tag}': letters, digits, '_', '.', '-', at most 128`);
  if (bump.digest !== undefined && !DIGEST.test(bump.digest))
    throw new Error(`invalid digest '${bump.digest}': expected sha256:<64 hex digits>`);
  const document = parseDocument(kustomization);
  if (document.errors.length > 0) throw new Error(`the kustomization is not valid YAML: ${document.errors[0]?.message}`);
  const images = document.get('images');
  if (!isSeq(images)) throw new Error('the kustomization has no images: list');
  const entries = images.items.filter(
    (item): item is YAMLMap =>
      isMap(item) && typeof item.get('name') === 'string' && repositoryName(String(item.get('name'))) === bump.service,
  );
  if (entries.length !== 1) throw new Error(`expected exactly one image for service '${bump.service}' in images:, found ${entries.length}`);
  const [entry] = entries as [YAMLMap];
  if (entry.has('digest') && bump.digest === undefined) {
    throw new Error(`the image of '${bump.service}' is pinned by digest here: pass --digest with the pushed image's digest`);
  }
  entry.set('newTag', bump.tag);
  if (bump.digest !== undefined) entry.set('digest', bump.digest);
  return document.toString();
};
