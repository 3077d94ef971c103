import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Post, POSTS, Relation, RELATIONS } from '@loanflow/domain';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IdField, TextField } from '../common/validation';

export class RegisterStaffDto {
  @IdField('ana')
  staffId!: string;

  @TextField(200, 'Ana Li')
  name!: string;

  @IdField('BR-01')
  branchId!: string;
}

export class AssignPostDto {
  @ApiProperty({ enum: POSTS })
  @IsIn(POSTS)
  post!: Post;

  @IdField('BR-01')
  branchId!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Approval authority in cents; required for the approval post', example: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  approvalLimit?: number;
}

export class StaffPostParams {
  @IdField()
  id!: string;

  @ApiProperty({ enum: POSTS, description: 'the post revoked' })
  @IsIn(POSTS)
  post!: Post;
}

export class StaffIdParams {
  @IdField()
  id!: string;
}

export class DeclareRelationDto {
  @IdField('B-100')
  borrowerId!: string;

  @ApiProperty({ enum: RELATIONS })
  @IsIn(RELATIONS)
  relation!: Relation;
}
