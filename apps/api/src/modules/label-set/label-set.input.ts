// Inputs of the label-set mutations: labels as a list or as text (one per line).
import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateLabelSetInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Labels as a list (give this or labelsText): each trimmed and NFC-normalised, non-empty, unique, at most 256 characters; at most 100,000',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  labels?: string[];

  @Field({
    nullable: true,
    description: 'Labels as text, one per line (blank lines are ignored), under the same rules as labels',
  })
  @IsOptional()
  @MaxLength(10_000_000)
  labelsText?: string;

  @Field(() => [String], {
    nullable: true,
    description: "Prompt templates with '{}' for the label; default ['the nice {}'] (the paper's)",
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  promptTemplates?: string[];
}

@InputType()
export class UpdateLabelSetInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  labels?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(10_000_000)
  labelsText?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  promptTemplates?: string[];

  @Field({ nullable: true })
  @IsOptional()
  archived?: boolean;
}
