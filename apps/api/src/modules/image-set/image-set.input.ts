// Input of registerImageSet: a folder of images under an allowed root.
import { Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType()
export class RegisterImageSetInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field({
    description:
      'Absolute folder under NEGMINE_IMAGE_ROOTS; its .jpg/.jpeg/.png/.webp files (recursively, sorted by path) form the set',
  })
  folder!: string;
}
