import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Post, POSTS, Relation, RELATIONS } from '@loanflow/domain';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/validation';

export class RegisterStaffDto {
  @ApiProperty({ example: 'ana' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  staffId!: string;

  @ApiProperty({ example: 'Ana Li' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'BR-01' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId!: string;
}

export class AssignPostDto {
  @ApiProperty({ enum: POSTS })
  @IsIn(POSTS)
  post!: Post;

  @ApiProperty({ example: 'BR-01' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId!: string;

  @ApiPropertyOptional({ description: 'Approval authority in cents; required for the approval post', example: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  approvalLimit?: number;
}

export class StaffPostParams {
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id!: string;

  @IsIn(POSTS)
  post!: Post;
}

export class StaffIdParams {
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id!: string;
}

export class DeclareRelationDto {
  @ApiProperty({ example: 'B-100' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  borrowerId!: string;

  @ApiProperty({ enum: RELATIONS })
  @IsIn(RELATIONS)
  relation!: Relation;
}
