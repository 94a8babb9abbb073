import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error the API answers. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'Machine-readable reason, e.g. INVALID_INPUT, INVALID_ID, UNAUTHORIZED, JOB_NOT_FOUND, ILLEGAL_TRANSITION', example: 'INVALID_INPUT' })
  code!: string;

  @ApiProperty({ description: 'What is wrong, for a person', example: 'ids.0 must not be greater than 2147483647' })
  message!: string;

  @ApiPropertyOptional({ description: 'On a 500 (INTERNAL_ERROR) only: the id the log line with the stack carries', example: '3f6c2a0e-8d7b-4b8e-9a51-2d0f1c9e7a44' })
  errorId?: string;
}
