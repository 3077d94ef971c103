import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { HeldPost as Held, Post, POSTS, Relation, RELATIONS, Staff } from '@loanflow/domain';
import { Cents, Instant, Integer } from '../common/responses';

export class HeldPost implements Held {
  @ApiProperty({ enum: POSTS })
  post!: Post;

  @ApiProperty()
  branchId!: string;

  @Cents('approval authority in cents; for the approval post', { required: false })
  approvalLimit?: number;

  @Instant()
  since!: string;
}

export class PostHeldBefore extends HeldPost {
  @Instant('when the post was revoked; absent while it is held', { required: false })
  until?: string;
}

export class DeclaredRelation {
  @ApiProperty()
  borrowerId!: string;

  @ApiProperty({ enum: RELATIONS })
  relation!: Relation;
}

@ApiSchema({ description: "A staff member's record: the posts held now, the relations declared, every post ever held" })
export class StaffMember implements Staff {
  @ApiProperty({ example: 'ana' })
  staffId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  branchId!: string;

  @ApiProperty({ type: [HeldPost] })
  posts!: HeldPost[];

  @ApiProperty({ type: [DeclaredRelation] })
  relations!: DeclaredRelation[];

  @ApiProperty({ type: [PostHeldBefore], description: 'every post ever held, the closed ones with `until`' })
  postHistory!: PostHeldBefore[];

  @Integer('the stream version')
  version!: number;
}
