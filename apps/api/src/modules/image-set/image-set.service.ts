// Image sets: register a folder (files listed in path order and content-hashed, so cached
// embeddings are found by content) and list them. Imported sets are created by ImportService.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiConfig } from '../../config';
import type { Db } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import { ImageSetKind } from '../../shared/enums';
import { sha256Hex } from '../../shared/hashing';
import { pathUnderRoots } from '../../shared/paths';
import type { ImageSetRepository } from './image-set.repository';
import type { RegisterImageSetInput } from './image-set.input';
import type { ImageSet } from './image-set.type';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

async function listImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

export class ImageSetService {
  constructor(
    private readonly repository: ImageSetRepository,
    private readonly config: Pick<ApiConfig, 'imageRoots'>,
  ) {}

  async registerFolder(input: RegisterImageSetInput): Promise<ImageSet> {
    const folder = pathUnderRoots(input.folder, this.config.imageRoots, 'image folder', 'NEGMINE_IMAGE_ROOTS');
    await this.assertNameFree(input.name);
    const files = await listImages(folder);
    if (files.length === 0)
      throw badInput(`folder '${input.folder}' holds no images (accepted: ${[...IMAGE_EXTENSIONS].join(', ')})`);
    const hashes: string[] = [];
    for (const file of files) hashes.push(sha256Hex(await readFile(path.join(folder, file))));
    return this.repository.create({
      name: input.name,
      kind: ImageSetKind.folder,
      folder,
      imageCount: files.length,
      contentHash: sha256Hex(hashes.join('\n')),
      items: {
        createMany: { data: files.map((file, position) => ({ position, path: file, inputHash: hashes[position]! })) },
      },
    });
  }

  async get(id: string, db?: Db): Promise<ImageSet> {
    const imageSet = await this.repository.find(id, db);
    if (imageSet === null) throw notFound('image set', id);
    return imageSet;
  }

  list(): Promise<ImageSet[]> {
    return this.repository.list();
  }

  async assertNameFree(name: string): Promise<void> {
    if ((await this.repository.byName(name)) !== null) {
      throw conflict(`an image set named '${name}' already exists; choose another name`);
    }
  }
}
